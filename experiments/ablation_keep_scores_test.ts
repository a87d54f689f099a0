/**
 * `deno task ablation --keep-scores`: real GEOM smoke runs keep their scores, and the summary
 * tests the geometric set against the other set run by run on the same test images.
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { denoExecutable } from "../lib/experiments/process_pool.ts";
import { ablationArgs, listDir } from "./sweep_testing.ts";

Deno.test("ablation --keep-scores: the geometric set against each set on the same test images", async () => {
  const root = await Deno.makeTempDir();
  try {
    const dir = join(root, "fashion-mnist-sample");
    const args = ablationArgs(root, [
      "--classes",
      "0",
      "--transforms",
      "geometric72,blur",
      "--jobs",
      "2",
      "--keep-scores",
    ]);
    const out = await new Deno.Command(denoExecutable(), { args }).output();
    const stdout = new TextDecoder().decode(out.stdout);
    assert.equal(out.code, 0, new TextDecoder().decode(out.stderr));
    assert.deepEqual(await listDir(join(dir, "runs")), [
      "smoke__blur__class-0__seed-0.json",
      "smoke__blur__class-0__seed-0.scores.json.gz",
      "smoke__geometric72__class-0__seed-0.json",
      "smoke__geometric72__class-0__seed-0.scores.json.gz",
    ]);
    const summary = JSON.parse(await Deno.readTextFile(join(dir, "summary.json")));
    assert.equal(summary.pairedSets.geometric, "geometric72");
    assert.deepEqual(
      summary.pairedSets.pairs.map((x: { transforms: string; score: string }) => x.score),
      ["dirichlet", "simple", "max-softmax", "entropy"],
    );
    const cell = (set: string) =>
      summary.cells.find((c: { transforms: string; score: string; normalClass: unknown }) =>
        c.transforms === set && c.score === "dirichlet" && c.normalClass === 0
      ).mean;
    const dirichlet = summary.pairedSets.pairs[0];
    assert.ok(Math.abs(dirichlet.diff - (cell("geometric72") - cell("blur"))) < 1e-12);
    assert.deepEqual(summary.runs.unknown, []); // kept scores are not unknown files
    assert.match(
      stdout,
      /^- geometric72 against each set on the same test images \(dirichlet score; .*\): blur: above in [01] of 1, below in [01] \(Holm: [01] and [01]\)\.$/m,
    );
    const md = await Deno.readTextFile(join(dir, "summary.md"));
    assert.match(md, /geometric72 against each set on the same test images \(entropy score/);
  } finally {
    await Deno.remove(root, { recursive: true });
  }
});
