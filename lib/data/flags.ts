/**
 * The data flags every task that loads data takes besides `--data-dir` (`run`, `geom`,
 * `demo`, and `ablation` / `compare`, which pass them on to each run): how a folder dataset is
 * decoded, and whether checksums are verified.
 * @module
 */
import { COMMON_FLAGS, type FlagTable, intFlag, textFlag } from "../util/cli.ts";
import { UsageError } from "../util/errors.ts";
import { checkDecodeOptions } from "./folder.ts";

/** The flags, for command flag tables (with their help). */
export const DATA_FLAGS = {
  "image-size": {
    type: "string",
    arg: "N",
    kind: "integer in [1, 4096]",
    help: "folder datasets: resize (shorter side) and centre-crop every image to N x N",
    defaultText: "the images' own size when all agree (else a usage error), or the preset's",
    example: "--image-size 64",
  },
  channels: {
    type: "string",
    arg: "C",
    kind: "1|3",
    help: "folder datasets: convert every image to grayscale (1) or RGB (3)",
    defaultText: "the images' own when all agree (else a usage error)",
    example: "--channels 3",
  },
  "no-verify": {
    type: "boolean",
    default: false,
    help: "load files whose checksums differ from the official ones (a subset, a re-compressed " +
      "copy); recorded as unchecked in the result and shown in reports",
    example: "--no-verify",
  },
} as const satisfies FlagTable;

/** `--data-dir`, for commands whose flag tables do not have it yet. */
export const DATA_DIR_FLAG = {
  "data-dir": COMMON_FLAGS.dataDir(),
} as const satisfies FlagTable;

/** How a run loads its data (what the flags say), passed down to `loadDataset`. */
export interface DataOptions {
  /** A folder with the official files, or where a relative `folder:DIR` is looked for. */
  dataDir?: string;
  /** Folder datasets: resize and centre-crop to N x N. */
  imageSize?: number;
  /** Folder datasets: 1 (grayscale) or 3 (RGB). */
  channels?: 1 | 3;
  /** False: load files whose checksums differ from the official ones (recorded `unchecked`). */
  verify?: boolean;
}

/**
 * The options the data flags (and `--data-dir`) ask for, only those given.
 * @throws {UsageError} for an empty `--data-dir`, a bad `--image-size` or `--channels`.
 */
export function dataOptionsOf(values: {
  "data-dir"?: string;
  "image-size"?: string;
  channels?: string;
  "no-verify"?: boolean;
}): DataOptions {
  const o: DataOptions = {};
  const dataDir = textFlag("data-dir", values["data-dir"]);
  if (dataDir !== undefined) o.dataDir = dataDir;
  if (values["image-size"] !== undefined) {
    o.imageSize = intFlag("image-size", values["image-size"], 0, { min: 1, max: 4096 });
  }
  if (values.channels !== undefined) {
    if (values.channels !== "1" && values.channels !== "3") {
      throw new UsageError(`--channels must be 1 or 3, got '${values.channels}'`);
    }
    o.channels = values.channels === "1" ? 1 : 3;
  }
  if (values["no-verify"]) o.verify = false;
  checkDecodeOptions(o);
  return o;
}

/** The flags that ask for `o` (for the runs a sweep starts). */
export function dataArgs(o: DataOptions): string[] {
  const args: string[] = [];
  if (o.dataDir !== undefined) args.push("--data-dir", o.dataDir);
  if (o.imageSize !== undefined) args.push("--image-size", String(o.imageSize));
  if (o.channels !== undefined) args.push("--channels", String(o.channels));
  if (o.verify === false) args.push("--no-verify");
  return args;
}
