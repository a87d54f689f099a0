/**
 * One-line descriptions of where a run's data came from, for CLI headers, reports and
 * summaries: the source, a folder dataset's folder, file count and file-list digest, and
 * `unchecked` when checksums were not verified (`--no-verify`).
 * @module
 */
import type { DataMeta } from "./load.ts";

/**
 * Whether the files' checksums were compared with the registry's: `verified`, `unchecked`
 * (`--no-verify`, or a mismatch let through by it) or `none` (a folder dataset: there are no
 * official checksums; its file-list digest identifies it instead).
 */
export type Verification = "verified" | "unchecked" | "none";

/** The verification state of loaded data (older records without the field: from the files). */
export function verificationOf(
  meta: Pick<DataMeta, "files" | "source"> & { verification?: Verification },
): Verification {
  if (meta.verification) return meta.verification;
  if (meta.source === "folder") return "none";
  return meta.files.some((f) => f.status === "unchecked") ? "unchecked" : "verified";
}

/**
 * E.g. `cache`, `data-dir, files unchecked`, or
 * `folder /data/cifar10-jpeg, CIFAR-10 (JPEG re-encoding) (60000 images, list sha256
 * efb3bdf3912c)`.
 */
export function describeSource(meta: DataMeta | undefined): string {
  if (!meta) return "unknown";
  const unchecked = verificationOf(meta) === "unchecked" ? ", files unchecked" : "";
  const f = meta.folder;
  if (!f) return `${meta.source}${unchecked}`;
  const size = f.imageSize !== null ? `, resized to ${f.imageSize}x${f.imageSize}` : "";
  return `folder ${f.path}${f.knownAs ? `, ${f.knownAs}` : ""} (${
    f.files.train + f.files.test
  } images${size}, list sha256 ${f.listDigest.slice(0, 12)})${unchecked}`;
}
