/**
 * A run's checkpoint folder, beside its result file: `<result>.ckpt/<key>/`, where `<key>`
 * starts the SHA-256 of the run's whole configuration ({@linkcode configKey}), so a run never
 * resumes from another configuration's state. It holds `config.json` (the configuration),
 * `train.bin` (the training state, {@linkcode TrainSnapshot}) and, per prediction phase,
 * `<phase>-<start>-<end>.bin` files with the outputs of pairs [start, end). Every file is
 * written atomically (temp + rename) and carries a checksum; a damaged or foreign one is
 * ignored with a one-line message.
 *
 * ```ts ignore
 * const ck = await RunCheckpoint.open("results/x.json.ckpt", config);
 * await trainTransformClassifier(model, train, { ..., checkpoint: await ck.trainer(train) });
 * await predictTransformed(model, test, { ..., checkpoint: await ck.predictor("score", test) });
 * await ck.remove(); // the run is finished and its result written
 * ```
 * @module
 */
import { isDeepStrictEqual } from "node:util";
import { join } from "node:path";
import type { Images } from "../data/types.ts";
import { writeFileAtomic, writeJsonAtomic } from "../util/atomic.ts";
import { configDiff, configKey, sha256Hex } from "../util/config_key.ts";
import { oneLine } from "../util/errors.ts";
import { type Bundle, decodeBundle, encodeBundle } from "./bundle.ts";
import type { PredictCheckpoint, PredictRun } from "./predict.ts";
import type { TrainCheckpoint } from "./trainer.ts";
import { decodeTrainSnapshot, encodeTrainSnapshot, type TrainSnapshot } from "./train_state.ts";

/** Default seconds between checkpoint saves. */
export const DEFAULT_CHECKPOINT_SECONDS = 300;

/** The checkpoint folder of a result file. */
export function checkpointRoot(resultPath: string): string {
  return `${resultPath}.ckpt`;
}

/** Options for {@linkcode RunCheckpoint.open}. */
export interface RunCheckpointOptions {
  /** Seconds between saves (default {@linkcode DEFAULT_CHECKPOINT_SECONDS}). */
  intervalSeconds?: number;
  /** One-line messages (default: stderr). */
  log?: (line: string) => void;
}

const digests = new WeakMap<Float32Array, Promise<string>>();

/** SHA-256 of a set of images (their sizes and every value). */
export function imagesDigest(images: Images): Promise<string> {
  let d = digests.get(images.data);
  if (!d) {
    const { n, height, width, channels } = images;
    d = sha256Hex(
      new Uint8Array(images.data.buffer, images.data.byteOffset, images.data.byteLength),
    ).then((h) => `${n}x${height}x${width}x${channels}:${h}`);
    digests.set(images.data, d);
  }
  return d;
}

async function readIfExists(path: string): Promise<Uint8Array | undefined> {
  try {
    return await Deno.readFile(path);
  } catch (err) {
    if (err instanceof Deno.errors.NotFound) return undefined;
    throw err;
  }
}

async function listDir(dir: string): Promise<Deno.DirEntry[]> {
  try {
    return await Array.fromAsync(Deno.readDir(dir));
  } catch (err) {
    if (err instanceof Deno.errors.NotFound) return [];
    throw err;
  }
}

/** A run's checkpoint folder (see the module doc). */
export class RunCheckpoint {
  /** `<result>.ckpt`. */
  readonly root: string;
  /** `<root>/<key prefix>`: this configuration's folder. */
  readonly dir: string;
  /** SHA-256 hex of the configuration. */
  readonly key: string;
  readonly config: Record<string, unknown>;
  readonly intervalSeconds: number;
  readonly log: (line: string) => void;
  #ready = false;

  private constructor(
    root: string,
    key: string,
    config: Record<string, unknown>,
    options: RunCheckpointOptions,
  ) {
    this.root = root;
    this.key = key;
    this.dir = join(root, key.slice(0, 16));
    this.config = config;
    this.intervalSeconds = options.intervalSeconds ?? DEFAULT_CHECKPOINT_SECONDS;
    this.log = options.log ?? ((line) => console.error(line));
  }

  /**
   * Opens the checkpoint of `config` under `root`: says (one line each) which checkpoints of
   * other configurations it ignores there, and drops its own folder when damaged. Nothing is
   * written before the first save.
   */
  static async open(
    root: string,
    config: Record<string, unknown>,
    options: RunCheckpointOptions = {},
  ): Promise<RunCheckpoint> {
    const interval = options.intervalSeconds ?? DEFAULT_CHECKPOINT_SECONDS;
    if (!(Number.isFinite(interval) && interval >= 0)) {
      throw new RangeError(`Cannot checkpoint: interval ${interval} s is not >= 0`);
    }
    const ck = new RunCheckpoint(root, await configKey(config), config, options);
    const own = ck.dir.slice(root.length + 1);
    for (const e of await listDir(root)) {
      if (!e.isDirectory) continue;
      const path = join(root, e.name);
      if (e.name === own) {
        const why = await ck.#ownProblem();
        if (why) {
          ck.log(`checkpoint: ignoring damaged checkpoint ${path} (${why}); starting afresh`);
          await Deno.remove(path, { recursive: true });
        }
        continue;
      }
      let diff: string;
      try {
        const other = JSON.parse(await Deno.readTextFile(join(path, "config.json")));
        const d = configDiff(other.config, config);
        diff = d.length === 0
          ? "same values, other key"
          : d.slice(0, 3).join("; ") + (d.length > 3 ? `; ${d.length - 3} more` : "");
      } catch (err) {
        diff = `unreadable: ${oneLine(err)}`;
      }
      ck.log(`checkpoint: ignoring ${path}: another configuration (${diff})`);
    }
    return ck;
  }

  async #ownProblem(): Promise<string | undefined> {
    try {
      const stored = JSON.parse(await Deno.readTextFile(join(this.dir, "config.json")));
      if (stored?.key !== this.key) return "its key differs";
      // temp files of a writer killed mid-write (a live writer renames within moments)
      for (const e of await listDir(this.dir)) {
        if (!e.name.endsWith(".tmp")) continue;
        const path = join(this.dir, e.name);
        const mtime = (await Deno.stat(path).catch(() => undefined))?.mtime;
        if (mtime && Date.now() - mtime.getTime() > 60_000) await Deno.remove(path).catch(() => {});
      }
      this.#ready = true;
      return undefined;
    } catch (err) {
      return err instanceof Deno.errors.NotFound ? "no config.json" : oneLine(err);
    }
  }

  async #ensure(): Promise<void> {
    if (this.#ready) return;
    await Deno.mkdir(this.dir, { recursive: true });
    await writeJsonAtomic(join(this.dir, "config.json"), {
      schema: 1,
      key: this.key,
      config: this.config,
      createdAt: new Date().toISOString(),
    });
    this.#ready = true;
  }

  /** Whether anything is saved for this configuration. */
  async exists(): Promise<boolean> {
    return (await listDir(this.dir)).some((e) => e.name.endsWith(".bin"));
  }

  /** The training checkpoint of a run on `images`. */
  async trainer(images: Images): Promise<TrainCheckpoint> {
    const data = await imagesDigest(images);
    const path = join(this.dir, "train.bin");
    return {
      intervalSeconds: this.intervalSeconds,
      log: this.log,
      load: async (): Promise<TrainSnapshot | undefined> => {
        const bytes = await readIfExists(path);
        if (!bytes) return undefined;
        let snap: TrainSnapshot;
        try {
          snap = await decodeTrainSnapshot(bytes);
        } catch (err) {
          this.log(`checkpoint: ignoring damaged ${path} (${oneLine(err)}); training afresh`);
          return undefined;
        }
        if (snap.run.data !== data) {
          this.log(`checkpoint: ignoring ${path}: made from other training images`);
          return undefined;
        }
        return snap;
      },
      save: async (snapshot: TrainSnapshot) => {
        await this.#ensure();
        const bytes = await encodeTrainSnapshot({ ...snapshot, run: { ...snapshot.run, data } });
        await writeFileAtomic(path, bytes);
      },
    };
  }

  /** The checkpoint of prediction phase `phase` (e.g. `score`) on `images`. */
  async predictor(phase: string, images: Images): Promise<PredictCheckpoint> {
    if (!/^[a-z][a-z0-9-]*$/.test(phase)) throw new RangeError(`bad phase name '${phase}'`);
    const data = await imagesDigest(images);
    const pattern = new RegExp(`^${phase}-(\\d+)-(\\d+)\\.bin$`);
    return {
      intervalSeconds: this.intervalSeconds,
      log: this.log,
      load: async (out: Float32Array, run: PredictRun) => {
        const files = (await listDir(this.dir)).map((e) => ({ e, m: pattern.exec(e.name) }))
          .filter((f) => f.m).map((f) => ({
            name: f.e.name,
            start: Number(f.m![1]),
            end: Number(f.m![2]),
          }));
        if (files.length === 0) return undefined;
        const T = run.outputWidth ?? run.nTransforms;
        let done = 0, rng = 0, savedAt = 0;
        const used = new Set<string>();
        for (;;) {
          const next = files.filter((f) => f.start === done && f.end > done)
            .sort((a, b) => b.end - a.end)[0];
          if (!next) break;
          const path = join(this.dir, next.name);
          let bundle: Bundle;
          try {
            bundle = await decodeBundle(await Deno.readFile(path));
          } catch (err) {
            this.log(`checkpoint: ignoring damaged ${path} (${oneLine(err)})`);
            break;
          }
          const meta = bundle.meta as Record<string, unknown>;
          const probs = bundle.arrays[0];
          let why: string | undefined;
          if (!isDeepStrictEqual(meta.run, run)) why = "made by another prediction run";
          else if (meta.data !== data) why = "made for other images";
          else if (meta.start !== next.start || meta.end !== next.end) why = "its name is wrong";
          else if (
            bundle.arrays.length !== 1 || !probs ||
            probs.data.length !== (next.end - next.start) * T || next.end * T > out.length
          ) why = "wrong size";
          if (why) {
            this.log(`checkpoint: ignoring ${path}: ${why}`);
            break;
          }
          out.set(probs!.data, next.start * T);
          done = next.end;
          rng = meta.rng as number;
          savedAt = meta.savedAt as number;
          used.add(next.name);
        }
        // Files off the chain (after a damaged one, or left by an earlier attempt) are of no use.
        for (const f of files) {
          if (!used.has(f.name)) await Deno.remove(join(this.dir, f.name)).catch(() => {});
        }
        return done > 0 ? { done, rng, savedAt } : undefined;
      },
      save: async (out: Float32Array, start: number, end: number, rng: number, run: PredictRun) => {
        await this.#ensure();
        const T = run.outputWidth ?? run.nTransforms;
        const bytes = await encodeBundle(
          { kind: "predict", phase, run, data, start, end, rng, savedAt: Date.now() },
          [{ name: "probs", shape: [end - start, T], data: out.subarray(start * T, end * T) }],
        );
        await writeFileAtomic(join(this.dir, `${phase}-${start}-${end}.bin`), bytes);
      },
    };
  }

  /** Removes this configuration's folder, and `root` when nothing else is left in it. */
  async remove(): Promise<void> {
    await Deno.remove(this.dir, { recursive: true }).catch((err) => {
      if (!(err instanceof Deno.errors.NotFound)) throw err;
    });
    this.#ready = false;
    if ((await listDir(this.root)).length === 0) await Deno.remove(this.root).catch(() => {});
  }
}
