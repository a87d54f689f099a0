import assert from "node:assert/strict";
import { join } from "node:path";
import { UsageError } from "./errors.ts";
import {
  checkOutputFile,
  checkOutputFolder,
  mayWrite,
  type PermissionQuery,
  realTarget,
} from "./sandbox.ts";

/** A process that may write only under `dir` (as `--allow-write=dir` grants it). */
const writableOnly = (dir: string): PermissionQuery => (desc) => {
  if (desc.name !== "write") return "prompt";
  const p = String(desc.path ?? "");
  return p === dir || p.startsWith(dir + "/") ? "granted" : "prompt";
};

Deno.test("realTarget() follows the links of the existing part of a path", () => {
  const tmp = Deno.realPathSync(Deno.makeTempDirSync());
  try {
    Deno.mkdirSync(join(tmp, "results"));
    Deno.mkdirSync(join(tmp, "elsewhere"));
    Deno.symlinkSync(join(tmp, "elsewhere"), join(tmp, "results", "link"));
    assert.equal(
      realTarget(join(tmp, "results", "link", "a", "r.json")),
      join(tmp, "elsewhere", "a", "r.json"),
    );
    assert.equal(
      realTarget(join(tmp, "results", "new", "r.json")),
      join(tmp, "results", "new", "r.json"),
    );
    const q = writableOnly(join(tmp, "results"));
    assert.ok(mayWrite(join(tmp, "results", "x", "r.json"), q));
    assert.ok(!mayWrite(join(tmp, "results", "link", "r.json"), q));
    assert.ok(!mayWrite(join(tmp, "results", "..", "elsewhere"), q));
    // A granted folder reached through a link (a linked checkout) is still writable.
    Deno.symlinkSync(join(tmp, "results"), join(tmp, "linked"));
    const ql = writableOnly(join(tmp, "linked"));
    assert.ok(mayWrite(join(tmp, "linked", "x", "r.json"), ql));
    assert.ok(!mayWrite(join(tmp, "linked", "link", "r.json"), ql));
  } finally {
    Deno.removeSync(tmp, { recursive: true });
  }
});

Deno.test("checkOutputFile() and checkOutputFolder() refuse what would write out of bounds", () => {
  const tmp = Deno.realPathSync(Deno.makeTempDirSync());
  try {
    const results = join(tmp, "results");
    Deno.mkdirSync(join(results, "dir"), { recursive: true });
    Deno.mkdirSync(join(tmp, "elsewhere"));
    Deno.symlinkSync(join(tmp, "elsewhere"), join(results, "link"));
    Deno.writeTextFileSync(join(results, "file"), "x");
    const q = writableOnly(results);
    const usage = (re: RegExp) => (e: unknown) => e instanceof UsageError && re.test(e.message);
    checkOutputFile("out", join(results, "new", "r.json"), q);
    assert.throws(() => checkOutputFile("out", "", q), usage(/--out is empty/));
    assert.throws(() => checkOutputFile("out", join(results, "dir"), q), usage(/is a folder/));
    assert.throws(() => checkOutputFile("out", join(results, "link"), q), usage(/symbolic link/));
    assert.throws(
      () => checkOutputFile("out", join(results, "link", "r.json"), q),
      usage(/it leads to .*elsewhere\/r\.json\) is outside the folders this task may write/),
    );
    checkOutputFolder("root", join(results, "ablation"), q);
    assert.throws(() => checkOutputFolder("root", " ", q), usage(/--root is empty/));
    assert.throws(() => checkOutputFolder("root", join(results, "file"), q), usage(/not a folder/));
    assert.throws(() => checkOutputFolder("root", join(tmp, "elsewhere"), q), usage(/outside/));
    assert.throws(() => checkOutputFolder("root", join(results, "link"), q), usage(/leads to/));
  } finally {
    Deno.removeSync(tmp, { recursive: true });
  }
});
