/**
 * The git commit of the checkout this code runs from, read from `.git` files directly (no `git`
 * process, so it needs only read permission): HEAD, a branch ref, packed-refs, and the `gitdir:`
 * link of a worktree. Undefined when there is no repository or no permission.
 * @module
 */
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

function read(path: string): string | undefined {
  try {
    return Deno.readTextFileSync(path).trim();
  } catch {
    return undefined;
  }
}

/** The commit (40 hex digits) checked out in the repository holding `from` (default: this file). */
export function gitCommit(from: string = fileURLToPath(import.meta.url)): string | undefined {
  let dir = dirname(from);
  for (;;) {
    const dotGit = join(dir, ".git");
    let gitDir: string | undefined;
    try {
      gitDir = Deno.statSync(dotGit).isDirectory
        ? dotGit
        : read(dotGit)?.match(/^gitdir: (.+)$/m)?.[1];
    } catch {
      gitDir = undefined;
    }
    if (gitDir) return resolveHead(gitDir);
    const up = dirname(dir);
    if (up === dir) return undefined;
    dir = up;
  }
}

function resolveHead(gitDir: string): string | undefined {
  const head = read(join(gitDir, "HEAD"));
  if (!head) return undefined;
  if (/^[0-9a-f]{40}$/.test(head)) return head;
  const ref = head.match(/^ref: (.+)$/)?.[1];
  if (!ref) return undefined;
  // a worktree keeps HEAD in its own folder and refs in the common one
  const common = read(join(gitDir, "commondir"));
  const roots = [gitDir, ...(common ? [join(gitDir, common)] : [])];
  for (const root of roots) {
    const direct = read(join(root, ref));
    if (direct && /^[0-9a-f]{40}$/.test(direct)) return direct;
    const packed = read(join(root, "packed-refs"))?.split("\n")
      .find((l) => l.endsWith(` ${ref}`))?.slice(0, 40);
    if (packed && /^[0-9a-f]{40}$/.test(packed)) return packed;
  }
  return undefined;
}
