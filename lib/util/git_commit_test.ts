import assert from "node:assert/strict";
import { join } from "node:path";
import { gitCommit } from "./git_commit.ts";

const A = "a".repeat(40), B = "b".repeat(40);

Deno.test("gitCommit() follows HEAD, branch refs, packed-refs and worktree links", async () => {
  const root = await Deno.makeTempDir();
  try {
    const git = join(root, "repo", ".git");
    await Deno.mkdir(join(git, "refs", "heads"), { recursive: true });
    await Deno.mkdir(join(root, "repo", "lib"), { recursive: true });
    const file = join(root, "repo", "lib", "x.ts");
    await Deno.writeTextFile(join(git, "HEAD"), "ref: refs/heads/main\n");
    await Deno.writeTextFile(join(git, "refs", "heads", "main"), `${A}\n`);
    assert.equal(gitCommit(file), A);
    await Deno.remove(join(git, "refs", "heads", "main"));
    await Deno.writeTextFile(join(git, "packed-refs"), `# pack\n${B} refs/heads/main\n`);
    assert.equal(gitCommit(file), B);
    await Deno.writeTextFile(join(git, "HEAD"), `${A}\n`); // detached
    assert.equal(gitCommit(file), A);
    // a worktree: .git is a file pointing at <common>/worktrees/<name>
    const wt = join(git, "worktrees", "w");
    await Deno.mkdir(wt, { recursive: true });
    await Deno.writeTextFile(join(wt, "HEAD"), "ref: refs/heads/main\n");
    await Deno.writeTextFile(join(wt, "commondir"), "../..\n");
    await Deno.mkdir(join(root, "w", "lib"), { recursive: true });
    await Deno.writeTextFile(join(root, "w", ".git"), `gitdir: ${wt}\n`);
    assert.equal(gitCommit(join(root, "w", "lib", "x.ts")), B);
    assert.equal(gitCommit(join(root, "nowhere", "x.ts")), undefined);
  } finally {
    await Deno.remove(root, { recursive: true });
  }
});
