import assert from "node:assert/strict";
import { fileURLToPath } from "node:url";
import {
  ALLOWED,
  importSpecifiers,
  importViolation,
  LAYERS,
  readTree,
  resolveSpecifier,
  unitOf,
  violations,
} from "./layers.ts";

const ROOT = fileURLToPath(new URL("..", import.meta.url));

Deno.test("layers: no module of the tree imports from a layer above it (or a sibling)", () => {
  const files = readTree(ROOT);
  assert.ok(files.size > 300, `only ${files.size} files read`);
  const found = violations(files).map((v) => `${v.from} -> ${v.to}: ${v.why}`);
  assert.deepEqual(found, []);
});

Deno.test("layers: every exception is still needed (the list only shrinks)", () => {
  const files = readTree(ROOT);
  for (const x of ALLOWED) {
    const without = violations(new Map([[x.from, files.get(x.from) ?? ""]]), []);
    assert.ok(
      without.some((v) => v.to === x.to),
      `${x.from} no longer imports ${x.to}: remove its exception`,
    );
  }
});

Deno.test("layers: an added upward import is found (detectors importing experiments)", () => {
  const files = readTree(ROOT);
  const victim = "lib/detectors/geom.ts";
  const text = files.get(victim)!;
  files.set(victim, `import type { RunResult } from "../experiments/result.ts";\n${text}`);
  const found = violations(files);
  assert.equal(found.length, 1);
  assert.equal(found[0]!.from, victim);
  assert.equal(found[0]!.to, "lib/experiments/result.ts");
  assert.match(found[0]!.why, /lib\/detectors \(layer \d+\) imports lib\/experiments .* higher/);
});

Deno.test("layers: upward imports in every form are found; downward and own-folder pass", () => {
  const cases: [string, string, boolean][] = [
    ["lib/models/x.ts", 'import { a } from "../train/trainer.ts";', true],
    ["lib/models/x.ts", 'export * from "../detectors/mod.ts";', true],
    ["lib/models/x.ts", 'const m = await import("../report/html.ts");', true],
    ["lib/models/x.ts", 'import "../experiments/run_detector.ts";', true],
    ["lib/models/x.ts", 'import type {\n  A,\n  B,\n} from "geomad/detectors/mod.ts";', true],
    ["lib/data/x.ts", 'import { auroc } from "../metrics/roc.ts";', true], // sibling
    ["lib/experiments/x.ts", 'import { a } from "geomad";', true], // lib/mod.ts is above
    ["lib/train/x.ts", 'import { a } from "../models/wrn.ts";', false],
    ["lib/detectors/x.ts", 'import { a } from "./geom.ts";', false],
    ["experiments/x.ts", 'import { a } from "../lib/report/html.ts";', false],
    ["lib/models/x.ts", '// import { a } from "../train/trainer.ts";', false],
    ["lib/models/x.ts", '/** import { a } from "../train/trainer.ts"; */', false],
    ["lib/models/x.ts", 'import * as tf from "@tensorflow/tfjs";', false],
  ];
  for (const [file, text, bad] of cases) {
    const found = violations(new Map([[file, text]]), []);
    assert.equal(found.length, bad ? 1 : 0, `${file}: ${text}`);
  }
});

Deno.test("layers: specifiers resolve to repo paths; every lib folder has a layer", () => {
  assert.deepEqual(importSpecifiers('import { a } from "x";\nexport { b } from "./y.ts";'), [
    "x",
    "./y.ts",
  ]);
  assert.equal(resolveSpecifier("lib/a/b.ts", "../c/d.ts"), "lib/c/d.ts");
  assert.equal(resolveSpecifier("lib/a/b.ts", "geomad/c/d.ts"), "lib/c/d.ts");
  assert.equal(resolveSpecifier("lib/a/b.ts", "geomad"), "lib/mod.ts");
  assert.equal(resolveSpecifier("lib/a/b.ts", "node:path"), undefined);
  assert.equal(importViolation("lib/util/a.ts", "lib/backend/b.ts")?.includes("higher"), true);
  const units = LAYERS.flat();
  assert.equal(new Set(units).size, units.length, "a folder in two layers");
  for (const e of Deno.readDirSync(`${ROOT}/lib`)) {
    const p = `lib/${e.name}`;
    if (e.isDirectory || e.name.endsWith(".ts")) assert.ok(unitOf(p), `${p} has no layer`);
  }
});
