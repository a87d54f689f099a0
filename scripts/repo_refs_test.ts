/**
 * The repository refers only to files it holds: no source, doc or notebook names a folder beside
 * the clone, or a protocol or style note that lives outside it; every `docs/<name>.md` mentioned
 * exists.
 * @module
 */
import assert from "node:assert/strict";
import { fileURLToPath } from "node:url";
import { join, relative } from "node:path";

const ROOT = fileURLToPath(new URL("..", import.meta.url));
const SKIP = new Set(["node_modules", "data", "results", ".git", ".tmp"]);
const TEXT = /\.(ts|md|py|json|ipynb|sh|txt|yml|yaml)$|^run$/;

function textFiles(dir: string): string[] {
  const out: string[] = [];
  for (const e of Deno.readDirSync(dir)) {
    const path = join(dir, e.name);
    if (e.isDirectory && !SKIP.has(e.name) && !e.name.startsWith("_tmp")) {
      out.push(...textFiles(path));
    } else if (e.isFile && TEXT.test(e.name) && e.name !== "deno.lock") out.push(path);
  }
  return out;
}

// Spelled in pieces so that this file does not match itself.
const OUTSIDE = [
  ["..", "/shared"].join(""),
  ["/work", "/shared"].join(""),
  ["shared", "/PAPER"].join(""),
  ["PAPER", ".md"].join(""),
  ["STYLE", ".md"].join(""),
  ["ENVIRONMENT", ".md"].join(""),
];

Deno.test("no file in the repository refers to notes or folders outside it; docs it names exist", () => {
  const files = textFiles(ROOT);
  assert.ok(files.length > 100, `walked ${files.length} files`);
  const bad: string[] = [];
  for (const path of files) {
    const text = Deno.readTextFileSync(path);
    for (const word of OUTSIDE) {
      if (text.includes(word)) bad.push(`${relative(ROOT, path)}: ${word}`);
    }
    for (const m of text.matchAll(/\bdocs\/([A-Za-z0-9_-]+\.md)/g)) {
      try {
        Deno.statSync(join(ROOT, "docs", m[1]!));
      } catch {
        bad.push(`${relative(ROOT, path)}: docs/${m[1]} does not exist`);
      }
    }
  }
  assert.deepEqual(bad, []);
});
