/**
 * The classes of any dataset name a task accepts (a registry name or `folder:DIR`) without
 * loading images: what sweeps need to plan their runs.
 * @module
 */
import {
  datasetKey,
  folderClassNames,
  type FolderRootOptions,
  isFolderDataset,
} from "./folder_scan.ts";
import { getDatasetSpec } from "./registry.ts";

/** A dataset's path-safe name and its class names in label order. */
export interface DatasetClasses {
  /** The registry name, or `folder-<name>` for a folder dataset (used in result paths). */
  name: string;
  classNames: readonly string[];
}

/**
 * The name and classes of `dataset` (a folder dataset's class folders are listed, nothing is
 * decoded).
 * @throws {UsageError} for an unknown dataset or `folder:` without a path.
 * @throws {DataError} for a folder that is missing or has no class folders.
 */
export function datasetClasses(dataset: string, options: FolderRootOptions = {}): DatasetClasses {
  if (isFolderDataset(dataset)) {
    return { name: datasetKey(dataset), classNames: folderClassNames(dataset, options) };
  }
  const spec = getDatasetSpec(dataset);
  return { name: spec.name, classNames: spec.classNames };
}
