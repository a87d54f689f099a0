/**
 * Staying inside the sandbox: checks, before any work, that an output path lies in the folders
 * this process may write (following symbolic links, which Deno's permission check does not),
 * and the permission flags a child process may get: never one this process lacks.
 * @module
 */
import { basename, dirname, join, resolve, sep } from "node:path";
import { UsageError } from "./errors.ts";

/**
 * `path` with the symbolic links of its deepest existing ancestor resolved (the part that
 * does not exist yet is appended as given): where a write to `path` would really land.
 */
export function realTarget(path: string): string {
  let head = resolve(path);
  const rest: string[] = [];
  for (;;) {
    try {
      return join(Deno.realPathSync(head), ...rest);
    } catch {
      const up = dirname(head);
      if (up === head) return join(head, ...rest);
      rest.unshift(basename(head));
      head = up;
    }
  }
}

/** How a permission query answers; injectable for tests. */
export type PermissionQuery = (desc: Deno.PermissionDescriptor) => Deno.PermissionState;

/** This process's permission state for `desc` (never prompts). */
export function queryPermission(desc: Deno.PermissionDescriptor): Deno.PermissionState {
  try {
    return Deno.permissions.querySync(desc).state;
  } catch {
    return "denied";
  }
}

/**
 * True when this process may write `path`, both as written and where its links lead: the
 * path is granted, and its real location lies inside the real location of the widest granted
 * folder above it (a link inside `results/` to a folder outside it does not count; a granted
 * folder that is itself reached through a link, e.g. a linked checkout, does).
 */
export function mayWrite(path: string, query: PermissionQuery = queryPermission): boolean {
  const abs = resolve(path);
  const granted = (p: string) => query({ name: "write", path: p }) === "granted";
  if (!granted(abs)) return false;
  let root = abs;
  for (let up = dirname(root); up !== root && granted(up); up = dirname(up)) root = up;
  const realRoot = realTarget(root), real = realTarget(abs);
  return real === realRoot || real.startsWith(realRoot.endsWith(sep) ? realRoot : realRoot + sep);
}

/**
 * Checks a results folder flag (`--root`) before any work: not empty, not a file, and inside
 * the folders this task may write, links followed.
 * @throws {UsageError} naming the flag and the folder.
 */
export function checkOutputFolder(
  flag: string,
  dir: string,
  query: PermissionQuery = queryPermission,
): void {
  if (dir.trim() === "") throw new UsageError(`--${flag} is empty; give a folder under results/`);
  let stat: Deno.FileInfo | undefined;
  try {
    stat = Deno.statSync(dir);
  } catch {
    stat = undefined;
  }
  if (stat && !stat.isDirectory) throw new UsageError(`--${flag} '${dir}' is not a folder`);
  if (!mayWrite(dir, query)) {
    const real = realTarget(dir);
    const via = real !== resolve(dir) ? ` (it leads to ${real})` : "";
    throw new UsageError(
      `--${flag} '${dir}'${via} is outside the folders this task may write (results/)`,
    );
  }
}

/**
 * Checks an output file flag (`--out`) before any work: not empty, not an existing folder,
 * not a symbolic link, and inside the folders this task may write, links in its folders
 * followed.
 * @throws {UsageError} naming the flag and the file.
 */
export function checkOutputFile(
  flag: string,
  path: string,
  query: PermissionQuery = queryPermission,
): void {
  if (path.trim() === "") throw new UsageError(`--${flag} is empty`);
  let stat: Deno.FileInfo | undefined;
  try {
    stat = Deno.lstatSync(path);
  } catch {
    stat = undefined;
  }
  if (stat?.isDirectory) throw new UsageError(`--${flag} '${path}' is a folder, not a file`);
  if (stat?.isSymlink) throw new UsageError(`--${flag} '${path}' is a symbolic link`);
  if (!mayWrite(path, query)) {
    const real = realTarget(path);
    const via = real !== resolve(path) ? ` (it leads to ${real})` : "";
    throw new UsageError(
      `--${flag} '${path}'${via} is outside the folders this task may write (results/)`,
    );
  }
}

/**
 * The permission flags for a child that reads everything this process may read, uses the
 * environment and FFI when this process may, and writes only `writeDirs`: each flag only
 * when this process holds that permission itself, so a child never gets more than its parent.
 * @throws {UsageError} when this process may not write one of `writeDirs`, or read files.
 */
export function childPermissions(
  writeDirs: readonly string[],
  query: PermissionQuery = queryPermission,
): string[] {
  if (query({ name: "read" }) !== "granted") {
    throw new UsageError("this task needs --allow-read to start its runs");
  }
  const flags = ["--allow-read"];
  if (query({ name: "env" }) === "granted") flags.push("--allow-env");
  if (query({ name: "ffi" }) === "granted") flags.push("--allow-ffi");
  for (const dir of writeDirs) {
    if (!mayWrite(dir, query)) {
      throw new UsageError(`cannot let a run write ${dir}: this task may not write there`);
    }
  }
  if (writeDirs.length) flags.push(`--allow-write=${[...new Set(writeDirs)].join(",")}`);
  return flags;
}
