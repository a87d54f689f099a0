import assert from "node:assert/strict";
import { findTool, toolGate } from "./tool_testing.ts";

const missing = { name: "nosuchtool", paths: ["/nonexistent/nosuchtool"], apt: "nosuch-pkg" };

function withCi<T>(value: string | undefined, f: () => T): T {
  const before = Deno.env.get("CI");
  if (value === undefined) Deno.env.delete("CI");
  else Deno.env.set("CI", value);
  try {
    return f();
  } finally {
    if (before === undefined) Deno.env.delete("CI");
    else Deno.env.set("CI", before);
  }
}

Deno.test("toolGate() skips with the reason outside CI and fails in CI when a tool is missing", () => {
  const local = withCi(undefined, () => toolGate("t", [missing]));
  assert.equal(local.ignore, true);
  assert.equal(local.name, "t (skipped: nosuchtool not found (apt-get install nosuch-pkg))");
  const ci = withCi("true", () => toolGate("t", [missing]));
  assert.equal(ci.ignore, false);
  assert.equal(ci.name, "t");
  assert.throws(() => ci.require(), {
    message: "nosuchtool not found (apt-get install nosuch-pkg); CI=true: .ci/run must install it",
  });
});

Deno.test("findTool() takes the first existing path that passes the probe", () => {
  const deno = Deno.execPath();
  assert.equal(findTool({ name: "deno", paths: ["/nonexistent", deno], apt: "-" }), deno);
  assert.equal(findTool({ name: "deno", paths: [deno], apt: "-", probe: () => false }), undefined);
  const gate = toolGate("t", [{ name: "deno", paths: [deno], apt: "-" }]);
  assert.equal(gate.ignore, false);
  assert.deepEqual(gate.require(), { deno });
});
