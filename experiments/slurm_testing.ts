/**
 * A real single-node Slurm for tests: munged, slurmctld and slurmd started from a generated
 * config (2 CPUs, SlurmUser root, its own munge socket and free ports; state, spool, logs and
 * pid files in a temp folder), stopped by the pids it started (and by the kernel should the
 * test process die first). Needs root and Debian's `slurmctld slurmd slurm-client munge`.
 * @module
 */
import { join } from "node:path";

/** The programs a test cluster needs. */
const PROGRAMS = [
  "/usr/sbin/munged",
  "/usr/sbin/mungekey",
  "/usr/sbin/slurmctld",
  "/usr/sbin/slurmd",
  "/usr/bin/sbatch",
  "/usr/bin/squeue",
  "/usr/bin/scancel",
  "/usr/bin/sinfo",
  "/usr/bin/setpriv",
];

/** Why a test cluster cannot start here, or undefined when it can. */
export function slurmUnavailable(): string | undefined {
  for (const p of PROGRAMS) {
    try {
      Deno.statSync(p);
    } catch {
      return `${p} not found (apt-get install slurmctld slurmd slurm-client munge)`;
    }
  }
  let uid: number | null;
  try {
    uid = Deno.uid();
  } catch {
    return "needs --allow-sys to check for root";
  }
  if (uid !== 0) return "needs root (slurmd runs jobs as SlurmUser root)";
  return undefined;
}

/** A running test cluster. */
export interface TestCluster {
  /** Environment for Slurm clients (`SLURM_CONF`). */
  env: Record<string, string>;
  /** The temp folder holding config, state and logs. */
  dir: string;
  /** Cancels every job, stops the three daemons (by pid) and removes the folder. */
  stop(): Promise<void>;
}

async function run(cmd: string, args: string[], env: Record<string, string> = {}) {
  const out = await new Deno.Command(cmd, { args, env, stdout: "piped", stderr: "piped" })
    .output();
  const text = new TextDecoder().decode(out.stdout);
  if (out.code !== 0) {
    throw new Error(`${cmd} ${args.join(" ")}: ${new TextDecoder().decode(out.stderr).trim()}`);
  }
  return text;
}

function freePort(): number {
  const l = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const port = (l.addr as Deno.NetAddr).port;
  l.close();
  return port;
}

async function waitFor(what: string, seconds: number, ok: () => Promise<boolean>) {
  const end = Date.now() + seconds * 1000;
  while (Date.now() < end) {
    if (await ok().catch(() => false)) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`test cluster: ${what} not ready after ${seconds} s`);
}

/** Starts munged, slurmctld and slurmd; {@linkcode TestCluster.stop} undoes it all. */
export async function startSlurm(): Promise<TestCluster> {
  const dir = await Deno.makeTempDir({ prefix: "geomad-slurm-" });
  await Deno.chmod(dir, 0o755); // munged (user munge) must reach its folder
  const children: Deno.ChildProcess[] = [];
  const env = { SLURM_CONF: join(dir, "slurm.conf") };
  const stop = async () => {
    await run("/usr/bin/scancel", ["--full", "--user=root"], env).catch(() => "");
    for (const child of children.reverse()) {
      try {
        child.kill("SIGTERM");
      } catch {
        continue; // already ended
      }
      const timer = setTimeout(() => {
        try {
          child.kill("SIGKILL");
        } catch { /* ended */ }
      }, 10_000);
      await child.status;
      clearTimeout(timer);
    }
    await Deno.remove(dir, { recursive: true }).catch(() => {});
  };
  try {
    const munge = join(dir, "munge");
    await Deno.mkdir(munge, { mode: 0o711 });
    await Deno.chmod(munge, 0o711);
    const key = join(munge, "munge.key"), socket = join(munge, "munged.socket");
    await run("/usr/sbin/mungekey", ["-c", "-k", key]);
    await run("chown", ["-R", "munge:munge", munge]);
    await Deno.chmod(key, 0o400);
    const spawn = (cmd: string, args: string[]) => {
      const child = new Deno.Command(cmd, {
        args,
        env,
        stdin: "null",
        stdout: "null",
        stderr: "null",
      }).spawn();
      children.push(child);
    };
    // setpriv execs the daemon (so the pid is the daemon's own) after asking the kernel to
    // SIGTERM it when this test process dies, even by kill -9.
    spawn("/usr/bin/setpriv", [
      "--pdeathsig=SIGTERM",
      "--reuid=munge",
      "--regid=munge",
      "--clear-groups",
      "/usr/sbin/munged",
      "--foreground",
      `--socket=${socket}`,
      `--key-file=${key}`,
      `--log-file=${join(munge, "munged.log")}`,
      `--pid-file=${join(munge, "munged.pid")}`,
      `--seed-file=${join(munge, "munged.seed")}`,
    ]);
    await waitFor("munged", 20, async () => (await Deno.stat(socket)).isSocket === true);
    for (const d of ["state", "spool", "log"]) await Deno.mkdir(join(dir, d));
    const host = Deno.hostname().split(".")[0]!;
    const [ctldPort, slurmdPort] = [freePort(), freePort()];
    const conf = [
      "ClusterName=geomadtest",
      `SlurmctldHost=${host}(127.0.0.1)`,
      `SlurmctldPort=${ctldPort}`,
      `SlurmdPort=${slurmdPort}`,
      "SlurmUser=root",
      "SlurmdUser=root",
      "AuthType=auth/munge",
      "CredType=cred/munge",
      `AuthInfo=socket=${socket}`,
      "ProctrackType=proctrack/linuxproc",
      "TaskPlugin=task/none",
      "SelectType=select/cons_tres",
      "SelectTypeParameters=CR_Core",
      "MpiDefault=none",
      "SchedulerType=sched/backfill",
      // Schedule every second (default 60 s) and at once: a dependent job starts ~1 s sooner.
      "SchedulerParameters=batch_sched_delay=0,sched_min_interval=0,sched_interval=1",
      "ReturnToService=2",
      `StateSaveLocation=${join(dir, "state")}`,
      `SlurmdSpoolDir=${join(dir, "spool")}`,
      `SlurmctldPidFile=${join(dir, "slurmctld.pid")}`,
      `SlurmdPidFile=${join(dir, "slurmd.pid")}`,
      `SlurmctldLogFile=${join(dir, "log", "slurmctld.log")}`,
      `SlurmdLogFile=${join(dir, "log", "slurmd.log")}`,
      "AccountingStorageType=accounting_storage/none",
      "JobAcctGatherType=jobacct_gather/none",
      "JobCompType=jobcomp/none",
      `NodeName=${host} NodeAddr=127.0.0.1 CPUs=2 State=UNKNOWN`,
      `PartitionName=debug Nodes=${host} Default=YES MaxTime=INFINITE State=UP`,
      "",
    ].join("\n");
    await Deno.writeTextFile(env.SLURM_CONF, conf);
    const orphanless = ["--pdeathsig=SIGTERM"];
    spawn("/usr/bin/setpriv", [
      ...orphanless,
      "/usr/sbin/slurmctld",
      "-D",
      "-i",
      "-f",
      env.SLURM_CONF,
    ]);
    spawn("/usr/bin/setpriv", [...orphanless, "/usr/sbin/slurmd", "-D", "-f", env.SLURM_CONF]);
    await waitFor(
      "the node",
      30,
      async () => (await run("/usr/bin/sinfo", ["-h", "-o", "%T"], env)).trim() === "idle",
    );
    return { env, dir, stop };
  } catch (err) {
    await stop();
    throw err;
  }
}

/** Waits until the cluster's queue is empty (every job ended); throws after `seconds`. */
export async function waitForEmptyQueue(
  cluster: TestCluster,
  seconds: number,
): Promise<void> {
  await waitFor(
    "empty queue",
    seconds,
    async () => (await run("/usr/bin/squeue", ["-h", "-o", "%i"], cluster.env)).trim() === "",
  );
}

/** Runs a Slurm client command on the cluster; throws with its stderr when it fails. */
export function slurmClient(
  cluster: TestCluster,
  cmd: string,
  args: string[],
): Promise<string> {
  return run(cmd, args, cluster.env);
}
