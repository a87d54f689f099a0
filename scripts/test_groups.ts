/**
 * `deno task test`'s runner: runs the test suite as one `deno test` process per folder, so that
 * native libraries (oneDNN's OpenMP pools), wasm heaps and buffer pools of one group never
 * accumulate in the process that runs the next. Prints each group's closing line, then a total
 * `N passed, N failed` line; exits non-zero when any group fails.
 *
 *   deno run --allow-read --allow-run scripts/test_groups.ts [-- extra deno test flags]
 * @module
 */
const PERMISSIONS = [
  "--allow-read",
  "--allow-write",
  "--allow-net=127.0.0.1",
  "--allow-env",
  "--allow-ffi",
  "--allow-run",
  "--allow-sys",
];

/** Test files under `dir` (recursively), sorted. */
function testFiles(dir: string): string[] {
  const out: string[] = [];
  for (const e of Deno.readDirSync(dir)) {
    const p = `${dir}/${e.name}`;
    if (e.isDirectory && e.name !== "node_modules" && !e.name.startsWith(".")) {
      out.push(...testFiles(p));
    } else if (e.isFile && /_test\.ts$/.test(e.name)) out.push(p);
  }
  return out.sort();
}

/** Groups: one per lib/<folder> (lib/backend split per subfolder), experiments, scripts, bench. */
function groups(): Map<string, string[]> {
  const g = new Map<string, string[]>();
  for (
    const f of ["lib", "experiments", "scripts", "bench"].flatMap((d) => testFiles(d))
  ) {
    const parts = f.split("/");
    const key = parts[0] === "lib"
      ? (parts[1] === "backend" && parts.length > 3 ? parts.slice(0, 3) : parts.slice(0, 2))
        .join("/")
      : parts[0]!;
    g.set(key, [...(g.get(key) ?? []), f]);
  }
  return g;
}

// deno-lint-ignore no-control-regex
const ANSI = /\x1b\[[0-9;]*m/g;

let passed = 0, failed = 0, ignored = 0;
const failedGroups: string[] = [];
const extra = Deno.args;
const t0 = performance.now();
for (const [name, files] of groups()) {
  const t = performance.now();
  const out = await new Deno.Command(Deno.execPath(), {
    args: ["test", ...PERMISSIONS, ...extra, ...files],
    stdout: "piped",
    stderr: "piped",
  }).output();
  const text = new TextDecoder().decode(out.stdout) + new TextDecoder().decode(out.stderr);
  const plain = text.replace(ANSI, "");
  const m =
    /(ok|FAILED) \| (\d+) passed(?: \((\d+) steps?\))? \| (\d+) failed(?: \| (\d+) ignored)?/
      .exec(plain);
  const p = Number(m?.[2] ?? 0), f = Number(m?.[4] ?? 0), i = Number(m?.[5] ?? 0);
  passed += p;
  failed += f;
  ignored += i;
  const secs = ((performance.now() - t) / 1000).toFixed(1);
  console.log(`${name}: ${p} passed, ${f} failed, ${i} ignored (${secs} s)`);
  if (out.code !== 0 || !m) {
    failedGroups.push(name);
    if (!m || f === 0) failed += f === 0 ? 1 : 0; // a crash or type error counts as a failure
    console.log(
      plain.split("\n").filter((l) => /FAILED|error|Error/.test(l)).slice(0, 40).join("\n"),
    );
  }
}
const total = ((performance.now() - t0) / 1000).toFixed(0);
console.log(
  `\ntest groups: ${failedGroups.length ? `failed: ${failedGroups.join(", ")}` : "all ok"}` +
    ` (${total} s, ${ignored} ignored)`,
);
console.log(`${passed} passed, ${failed} failed`);
Deno.exit(failedGroups.length ? 1 : 0);
