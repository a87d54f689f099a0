/**
 * The content sizes the registry implies for each file (from the split sizes and image
 * shapes): the ceiling of any decompression of that file (see lib/data/gzip.ts).
 * @module
 */
import { type GunzipOptions, idxSizeFromHead } from "./gzip.ts";
import {
  type ArchiveSpec,
  type DataFileSpec,
  datasetNames,
  type DatasetSpec,
  getDatasetSpec,
} from "./registry.ts";

/** Slack for an archive's tar headers and small extra members (readme, class names). */
const ARCHIVE_SLACK = 4 << 20;

/** Bytes of one record: IDX image or label; CIFAR label byte(s) + pixels. */
function contentBytesOf(spec: DatasetSpec, fileName: string): number | undefined {
  for (const split of [spec.train, spec.test]) {
    const i = split.files.indexOf(fileName);
    if (i < 0) continue;
    if (spec.format === "idx") {
      return i === 0 ? 16 + split.n * spec.height * spec.width : 8 + split.n;
    }
    const record = (spec.format === "cifar100" ? 2 : 1) +
      spec.height * spec.width * spec.channels;
    return Math.ceil(split.n / split.files.length) * record;
  }
  return undefined;
}

/**
 * The most bytes `file`'s content may have: the decompressed size its dataset's splits imply
 * (plus slack for an archive), or undefined for a file the registry does not know.
 */
export function maxContentBytes(
  file: DataFileSpec | ArchiveSpec,
  dataset?: DatasetSpec,
): number | undefined {
  const specs = dataset ? [dataset] : datasetNames().map(getDatasetSpec);
  for (const spec of specs) {
    if (spec.archive && (spec.archive === file || spec.archive.name === file.name)) {
      let sum = 0;
      for (const f of spec.files) sum += contentBytesOf(spec, f.name) ?? f.bytes;
      return sum + ARCHIVE_SLACK;
    }
    if (spec.files.some((f) => f === file || f.name === file.name && f.md5 === file.md5)) {
      return contentBytesOf(spec, file.name);
    }
  }
  return undefined;
}

/**
 * The decompression bounds of `file`: its known content size and, for IDX files, the size
 * their header announces.
 */
export function gunzipBounds(
  file: DataFileSpec | ArchiveSpec,
  dataset?: DatasetSpec,
): GunzipOptions {
  const maxBytes = maxContentBytes(file, dataset);
  const idx = (dataset?.format ?? formatOf(file)) === "idx";
  return {
    ...(maxBytes !== undefined ? { maxBytes } : {}),
    ...(idx ? { sizeFromHead: idxSizeFromHead } : {}),
  };
}

function formatOf(file: DataFileSpec | ArchiveSpec): DatasetSpec["format"] | undefined {
  for (const name of datasetNames()) {
    const spec = getDatasetSpec(name);
    if (spec.files.some((f) => f.name === file.name)) return spec.format;
  }
  return undefined;
}
