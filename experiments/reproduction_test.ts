import assert from "node:assert/strict";
import { join } from "node:path";
import { reproductionSection } from "../lib/experiments/reproduction.ts";
import { withDigest } from "../lib/experiments/result.ts";
import { fakePaperGeomResult, fakePaperGoadResult } from "../lib/experiments/testing.ts";

const SCRIPT = new URL("./reproduction.ts", import.meta.url).pathname;

async function reproduction(cwd: string, args: string[]) {
  const out = await new Deno.Command(Deno.execPath(), {
    args: ["run", "--allow-read", "--allow-write=docs", SCRIPT, ...args],
    cwd,
    stdout: "piped",
    stderr: "piped",
  }).output();
  const dec = new TextDecoder();
  return { code: out.code, stdout: dec.decode(out.stdout), stderr: dec.decode(out.stderr) };
}

Deno.test("reproduction CLI merges new records into the section; --replace rebuilds it", async () => {
  const dir = await Deno.makeTempDir();
  await Deno.mkdir(join(dir, "docs"));
  await Deno.mkdir(join(dir, "runs"));
  const label = "Fashion-MNIST";
  const earlier = reproductionSection(
    [
      fakePaperGeomResult(0, 0.9, "2026-12-01T00:00:00Z"),
      fakePaperGeomResult(1, 0.8, "2026-12-01T00:00:00Z"),
    ],
    { label, paperDataset: "fashion-mnist" },
  );
  const other = { ...earlier, label: "CIFAR-10 (JPEG re-encoding)" };
  await Deno.writeTextFile(
    join(dir, "docs/reproduction.json"),
    JSON.stringify({ schema: "geomad/reproduction@1", sections: [other, earlier] }),
  );
  await Deno.writeTextFile(
    join(dir, "docs/reproduction.md"),
    "# Record\n\n<!-- tables:start -->\nold\n<!-- tables:end -->\n\nprose stays\n",
  );
  await Deno.writeTextFile(
    join(dir, "runs/class-1.json"),
    JSON.stringify(fakePaperGeomResult(1, 0.97, "2026-12-02T00:00:00Z")),
  );
  const read = async () => {
    const j = JSON.parse(await Deno.readTextFile(join(dir, "docs/reproduction.json")));
    return j.sections as {
      label: string;
      rows: { normalClass: number; auroc: { dirichlet: number } }[];
    }[];
  };

  const merged = await reproduction(dir, ["--runs", "runs", "--label", label]);
  assert.equal(merged.code, 0, merged.stderr);
  assert.match(merged.stdout, /kept the earlier rows of classes 0\n/);
  let sections = await read();
  assert.deepEqual(sections.map((s) => s.label), [other.label, label], "other sections stay");
  assert.deepEqual(sections[1]!.rows.map((r) => [r.normalClass, r.auroc.dirichlet]), [[0, 90], [
    1,
    97,
  ]]);
  const md = await Deno.readTextFile(join(dir, "docs/reproduction.md"));
  assert.match(md, /### Fashion-MNIST: 2 of 10 classes/);
  assert.match(md, /prose stays/);
  assert.doesNotMatch(md, /\nold\n/);

  const replaced = await reproduction(dir, ["--runs", "runs", "--label", label, "--replace"]);
  assert.equal(replaced.code, 0, replaced.stderr);
  assert.doesNotMatch(replaced.stdout, /kept/);
  sections = await read();
  assert.deepEqual(sections[1]!.rows.map((r) => r.normalClass), [1]);

  const clash = await reproduction(dir, ["--runs", "runs", "--label", label, "--method", "goad"]);
  assert.equal(clash.code, 2);
  assert.match(clash.stderr, /section 'Fashion-MNIST' holds geom runs, not goad/);
  const unknown = await reproduction(dir, ["--runs", "runs", "--label", "X", "--method", "dagmm"]);
  assert.equal(unknown.code, 2);
  assert.match(unknown.stderr, /--method 'dagmm' has no reproduction record/);
  const none = await reproduction(dir, ["--runs", "runs", "--label", "GOAD", "--method", "goad"]);
  assert.equal(none.code, 2);
  assert.match(none.stderr, /no finished paper-preset goad run under runs/);
  await Deno.writeTextFile(
    join(dir, "runs/goad-class-5.json"),
    JSON.stringify(
      fakePaperGoadResult(5, { goad: 0.95, "goad-eps0": 0.9 }, "2026-12-03T00:00:00Z"),
    ),
  );
  const goad = await reproduction(dir, ["--runs", "runs", "--label", "GOAD", "--method", "goad"]);
  assert.equal(goad.code, 0, goad.stderr);
  assert.match(goad.stdout, /### GOAD: 1 of 10 classes/, "GEOM records are not GOAD rows");
  assert.match(
    goad.stdout,
    /\| 5 class 5 \| 94\.8 \| 95\.0 \| 0\.9\* \| 90\.0 \| within 1 point \(\+0\.2\) \|/,
  );
  assert.deepEqual((await read()).map((s) => s.label), [other.label, label, "GOAD"]);
  const cifar = fakePaperGoadResult(5, { goad: 0.9, "goad-eps0": 0.9 }, "2026-12-03T00:00:00Z");
  await Deno.writeTextFile(
    join(dir, "runs/goad-cifar.json"),
    JSON.stringify(
      withDigest({
        ...cifar,
        dataset: "cifar10",
        data: { ...cifar.data, requested: "cifar10" },
        state: { ...cifar.state, margin: 0.1 },
      }),
    ),
  );
  const mixed = await reproduction(dir, ["--runs", "runs", "--label", "GOAD", "--method", "goad"]);
  assert.equal(mixed.code, 2);
  assert.match(
    mixed.stderr,
    /holds paper-preset goad runs of fashion-mnist, cifar10|of cifar10, fashion-mnist/,
  );
  await Deno.remove(dir, { recursive: true });
});
