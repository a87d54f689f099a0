import assert from "node:assert/strict";
import plugin, { LONG_FUNCTION_LINES } from "./long_functions.ts";

/** A function of exactly `lines` lines: header, `lines - 2` statements, closing brace. */
function body(lines: number): string {
  return Array.from({ length: lines - 2 }, (_, i) => `  x += ${i};`).join("\n");
}

function reported(source: string): string[] {
  return Deno.lint.runPlugin(plugin, "probe.ts", source).map((d) => d.message);
}

Deno.test("long-function: 50 lines are reported with the name a reader knows, 49 are not", () => {
  const n = LONG_FUNCTION_LINES;
  const source = [
    `export function longOne(x: number) {\n${body(n)}\n}`,
    `function shortOne(x: number) {\n${body(n - 1)}\n}`,
    `const arrow = (x: number) => {\n${body(n)}\n};`,
    `class C {\n  method(x: number) {\n${body(n)}\n  }\n  #hidden(x: number) {\n${body(n)}\n  }\n}`,
    `const table = {\n  entry(x: number) {\n${body(n + 5)}\n  },\n};`,
    `[1].map((x) => {\n${body(n)}\n});`,
  ].join("\n");
  assert.deepEqual(reported(source), [
    `longOne is ${n} lines (>= ${n})`,
    `arrow is ${n} lines (>= ${n})`,
    `method is ${n} lines (>= ${n})`,
    `#hidden is ${n} lines (>= ${n})`,
    `entry is ${n + 5} lines (>= ${n})`,
    `(arrow function) is ${n} lines (>= ${n})`,
  ]);
});

Deno.test("long-function: short functions and expression-bodied arrows are not reported", () => {
  assert.deepEqual(reported("const f = (x: number) => x + 1;\nfunction g() {}\n"), []);
});
