/**
 * The data CLI (`deno task data ...`):
 *   info <dataset> [--data-dir D] [--json] [--no-verify]   source, split sizes, per-channel
 *                                            pixel mean/std, per-class counts, shape, checksums
 *   info folder:DIR [--image-size N] [--channels 1|3]   the same for an image folder (decodes
 *                                            it once into data/cache, so runs load it fast)
 *   fetch <dataset> [--mirror URL] [--force] [--quiet]   download into data/cache and verify
 *   verify <dataset> [--data-dir D]          re-check the files' checksums
 *   reencode folder:DIR --quality Q [--out D] [--force]   write the folder again as JPEG at
 *                                            quality Q (default out: data/cache/<DIR's name>-qQ)
 *   export <dataset> [--out D] [--pad-to N] [--force]   write a registry dataset as an image
 *                                            folder of PNGs (default out: data/cache/<dataset>-png)
 * Exit codes: 0 ok, 1 data errors, 2 usage errors.
 * @module
 */
import { basename, join } from "node:path";
import { type CommandSpec, intFlag, parseCommand, runCli, textFlag } from "../util/cli.ts";
import { DataError, UsageError } from "../util/errors.ts";
import { fetchDataset } from "./fetch.ts";
import { DATA_FLAGS, type DataOptions, dataOptionsOf } from "./flags.ts";
import { loadFolderDataset } from "./folder.ts";
import { folderPathOf, folderRoot, isFolderDataset } from "./folder_scan.ts";
import { defaultCacheDir } from "./paths.ts";
import { reencodeFolder, reencodeSummary } from "./reencode.ts";
import { exportFolder } from "./export_folder.ts";
import { describeDataset, type LoadedDataset, loadFromSource } from "./load.ts";
import { describeSource as describeMeta } from "./provenance.ts";
import { type DataSource, locateDataset } from "./locate.ts";
import { datasetNames, getDatasetSpec } from "./registry.ts";
import { channelStats, channelStatsLine } from "./pixel_stats.ts";
import { classCounts } from "./split.ts";
import { type FileCheck, mismatchMessage } from "./verify.ts";

/** The data command line (`--help` prints it). */
export const DATA_COMMAND = {
  command: "deno task data",
  usage: "<info|fetch|verify|reencode|export> <dataset> [--data-dir D] [--mirror URL] [--force] " +
    "[--quiet] [--json] [--no-verify] [--image-size N] [--channels 1|3] [--quality Q] [--out D] " +
    "[--pad-to N]",
  about: "Where a dataset comes from, its sizes and checksums (info); download it into " +
    "data/cache with MD5 verification (fetch); re-check its files (verify); write an image " +
    "folder again as JPEG at another quality (reencode); write a registry dataset as an image folder " +
    "(export). Exit 1 for data errors, 2 for bad usage.",
  positionals: [
    { name: "command", help: "info, fetch, verify, reencode or export" },
    {
      name: "dataset",
      help: `one of ${datasetNames().join(", ")}, or folder:DIR (info and reencode: ` +
        "DIR/train/<class>/*, DIR/test/<class>/*)",
    },
  ],
  flags: {
    "data-dir": {
      type: "string",
      arg: "DIR",
      kind: "folder",
      help: "info/verify: folder with the official files (not for fetch)",
      defaultText: "GEOMAD_DATA_DIR, data/cache, system packages",
      example: "--data-dir /srv/fashion-mnist",
    },
    mirror: {
      type: "string",
      arg: "URL",
      kind: "URL",
      help: "fetch: base URL tried before the official mirrors",
      defaultText: "GEOMAD_MIRROR, else the official mirrors",
      example: "--mirror http://127.0.0.1:8000/",
    },
    force: {
      type: "boolean",
      help: "fetch: download again even when verified files are present; reencode, export: " +
        "replace --out",
      example: "--force",
    },
    quiet: {
      type: "boolean",
      help: "fetch, info folder:DIR, reencode: no progress bar",
      example: "--quiet",
    },
    json: { type: "boolean", help: "info: print JSON", example: "--json" },
    "no-verify": {
      type: "boolean",
      help:
        "info, export: do not fail on files whose checksums differ (they are recorded unchecked)",
      example: "--no-verify",
    },
    "image-size": DATA_FLAGS["image-size"],
    channels: DATA_FLAGS.channels,
    quality: {
      type: "string",
      arg: "Q",
      kind: "integer 1-100",
      help: "reencode: JPEG quality (4:2:0 chroma, libjpeg's standard tables)",
      example: "--quality 50",
    },
    out: {
      type: "string",
      arg: "DIR",
      kind: "folder",
      help: "reencode, export: the folder to write (it must not exist unless --force)",
      defaultText: "data/cache/<DIR's name>-q<Q> (reencode), data/cache/<dataset>-png (export)",
      example: "--out data/cache/cifar10-q50",
    },
    "pad-to": {
      type: "string",
      arg: "N",
      kind: "integer",
      help: "export: zero-pad every image to N x N, centred (as the protocol pads 28x28 to 32x32)",
      defaultText: "the images' own size",
      example: "--pad-to 32",
    },
  },
} as const satisfies CommandSpec;

function describeSource(src: DataSource): string {
  const where = src.archivePath ?? src.root;
  if (src.kind === "sample" && src.requested !== src.spec.name) {
    return `sample ${where} (no full copy of ${src.requested} found; ` +
      `run 'deno task data fetch ${src.requested}' or pass --data-dir)`;
  }
  return `${src.kind} ${where}`;
}

const STATUS_TEXT: Record<FileCheck["status"], string> = {
  official: "ok: official file",
  content: "ok: official content (compression differs)",
  mismatch: "MISMATCH",
  unchecked: "not verified",
};

function fileLines(files: FileCheck[]): string[] {
  return files.map((f) =>
    `  ${f.name}  ${f.bytes} bytes  md5 ${f.md5}` +
    (f.contentMd5 && f.contentMd5 !== f.md5 ? `  content md5 ${f.contentMd5}` : "") +
    `  ${STATUS_TEXT[f.status]}`
  );
}

async function info(
  dataset: string,
  dataDir: string | undefined,
  opts: { json: boolean; verify: boolean; quiet: boolean } & DataOptions,
): Promise<void> {
  let data: LoadedDataset, where: string;
  if (isFolderDataset(dataset)) {
    data = await loadFolderDataset(dataset, { ...opts, dataDir });
    where = describeMeta(data.meta) + `, decoded arrays: cache ${data.meta.folder!.cache}`;
  } else {
    const src = await locateDataset(dataset, { dataDir });
    data = loadFromSource(src, { verify: opts.verify });
    where = describeSource(src);
  }
  const spec = data.spec;
  const k = spec.classNames.length;
  const train = classCounts(data.train.labels, k), test = classCounts(data.test.labels, k);
  const pixels = { train: channelStats(data.train), test: channelStats(data.test) };
  if (opts.json) {
    console.log(JSON.stringify(
      {
        ...data.meta,
        shape: [spec.height, spec.width, spec.channels],
        classes: spec.classNames.map((name, c) => ({ name, train: train[c], test: test[c] })),
        pixels,
      },
      null,
      2,
    ));
    return;
  }
  const width = Math.max(...spec.classNames.map((n) => n.length)) + 4;
  const lines = [
    `dataset      ${spec.name}: ${spec.title}`,
    `licence      ${spec.license}`,
    `source       ${where}`,
    `image shape  ${spec.height}x${spec.width}x${spec.channels}`,
    `train        ${data.train.n} images`,
    `test         ${data.test.n} images`,
    `pixels/255   train ${channelStatsLine(pixels.train)}`,
    `             test  ${channelStatsLine(pixels.test)}`,
    `per class    ${"class".padEnd(width)} ${"train".padStart(6)} ${"test".padStart(6)}`,
    ...spec.classNames.map((name, c) =>
      `             ${`${c} ${name}`.padEnd(width)} ${String(train[c]).padStart(6)} ${
        String(test[c]).padStart(6)
      }`
    ),
    ...(data.meta.folder
      ? [`file list    sha256 ${data.meta.folder.listDigest} (paths and sizes)`]
      : [`files`, ...fileLines(data.meta.files)]),
  ];
  console.log(lines.join("\n"));
}

async function fetch(dataset: string, mirror: string | undefined, force: boolean, quiet: boolean) {
  const res = await fetchDataset(dataset, { mirror, force, quiet });
  for (const f of res.present) console.log(`present     ${f} (verified)`);
  for (const f of res.downloaded) console.log(`downloaded  ${f} (verified)`);
  if (res.extracted.length) console.log(`extracted   ${res.extracted.length} files`);
  console.log(`${dataset} is ready in ${res.dir}`);
}

async function verify(dataset: string, dataDir: string | undefined): Promise<void> {
  const spec = getDatasetSpec(dataset);
  const meta = await describeDataset(spec, { dataDir, allowSample: false });
  console.log(`source ${meta.source} ${meta.root}`);
  console.log(fileLines(meta.files).join("\n"));
  const bad = meta.files.filter((f) => f.status === "mismatch");
  if (bad.length) {
    const first = bad[0]!;
    const fileSpec = spec.files.find((f) => f.name === first.name) ?? spec.archive!;
    throw new DataError(
      `Cannot verify ${dataset}: ${bad.length} of ${meta.files.length} files differ; first: ` +
        mismatchMessage(first, fileSpec),
    );
  }
  console.log(`${dataset}: all ${meta.files.length} files match the registry checksums`);
}

/** Runs the data CLI on `args`. */
const COMMANDS = ["info", "fetch", "verify", "reencode", "export"];

async function reencode(
  dataset: string,
  dataDir: string | undefined,
  values: { quality?: string; out?: string; force?: boolean; quiet?: boolean },
): Promise<void> {
  if (values.quality === undefined) throw new UsageError("reencode needs --quality Q (1-100)");
  const quality = intFlag("quality", values.quality, 0, { min: 1, max: 100 });
  const out = textFlag("out", values.out) ??
    join(defaultCacheDir(), `${basename(folderRoot(dataset, { dataDir }))}-q${quality}`);
  const report = await reencodeFolder(dataset, {
    quality,
    out,
    dataDir,
    force: values.force ?? false,
    quiet: values.quiet ?? false,
  });
  console.log(reencodeSummary(report));
}

async function exportDataset(
  dataset: string,
  dataDir: string | undefined,
  values: {
    out?: string;
    "pad-to"?: string;
    "no-verify"?: boolean;
    force?: boolean;
    quiet?: boolean;
  },
): Promise<void> {
  const padTo = values["pad-to"] === undefined
    ? undefined
    : intFlag("pad-to", values["pad-to"], 0, { min: 1, max: 4096 });
  const out = textFlag("out", values.out) ?? join(defaultCacheDir(), `${dataset}-png`);
  const r = await exportFolder(dataset, {
    out,
    padTo,
    dataDir,
    verify: !values["no-verify"],
    force: values.force ?? false,
    quiet: values.quiet ?? false,
  });
  console.log(
    `wrote ${r.images} images (${r.size}x${r.size}x${r.channels} PNG, classes ` +
      `${r.classFolders[0]} .. ${r.classFolders.at(-1)}) to ${r.out}`,
  );
}

export async function dataCli(args: string[]): Promise<void> {
  const parsed = parseCommand(DATA_COMMAND, args);
  if (!parsed) return;
  const { values, positionals } = parsed;
  const [command, dataset, ...extra] = positionals;
  if (!command) throw new UsageError(`missing command: ${COMMANDS.join(", ")}`);
  if (!COMMANDS.includes(command)) {
    throw new UsageError(`unknown command '${command}' (choose from ${COMMANDS.join(", ")})`);
  }
  if (!dataset) throw new UsageError(`missing dataset (one of ${datasetNames().join(", ")})`);
  if (extra.length) throw new UsageError(`unexpected argument '${extra[0]}'`);
  textFlag("data-dir", values["data-dir"]);
  textFlag("mirror", values.mirror);
  const folder = isFolderDataset(dataset);
  if (folder) folderPathOf(dataset);
  else getDatasetSpec(dataset);
  const dataDir = values["data-dir"];
  const only: Array<[string, "quality" | "out" | "pad-to", string[]]> = [
    ["reencode", "quality", ["reencode"]],
    ["reencode and export", "out", ["reencode", "export"]],
    ["export", "pad-to", ["export"]],
  ];
  for (const [text, flag, commands] of only) {
    if (values[flag] !== undefined && !commands.includes(command)) {
      throw new UsageError(`--${flag} applies to ${text}`);
    }
  }
  const decode = dataOptionsOf(values);
  if ((decode.imageSize !== undefined || decode.channels !== undefined) && !folder) {
    throw new UsageError("--image-size and --channels apply to folder datasets (folder:DIR)");
  }
  if (command === "info") {
    return await info(dataset, dataDir, {
      ...decode,
      json: !!values.json,
      verify: !values["no-verify"],
      quiet: !!values.quiet,
    });
  }
  if (command === "reencode") {
    if (!folder) {
      throw new UsageError(
        `reencode applies to image folders (folder:DIR); ${dataset} is a registry dataset`,
      );
    }
    if (decode.imageSize !== undefined || decode.channels !== undefined) {
      throw new UsageError(
        "reencode keeps each image's size and channels (no --image-size, --channels)",
      );
    }
    return await reencode(dataset, dataDir, values);
  }
  if (command === "export") {
    if (decode.imageSize !== undefined || decode.channels !== undefined) {
      throw new UsageError("export keeps each image's size and channels (see --pad-to)");
    }
    return await exportDataset(dataset, dataDir, values);
  }
  if (folder) {
    throw new UsageError(
      `${command} applies to the registry's datasets; a folder dataset has no official files ` +
        `(use 'info', which records its file-list digest)`,
    );
  }
  if (command === "verify") return await verify(dataset, dataDir);
  if (command === "fetch") {
    if (dataDir !== undefined) {
      throw new UsageError("fetch downloads into data/cache; --data-dir is not used");
    }
    return await fetch(dataset, values.mirror, values.force ?? false, values.quiet ?? false);
  }
  throw new UsageError(`unknown command '${command}'`);
}

if (import.meta.main) await runCli("data", () => dataCli(Deno.args));
