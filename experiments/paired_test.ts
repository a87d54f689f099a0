/** `deno task paired`: two runs kept with --keep-scores, compared on the same test images. */
import assert from "node:assert/strict";
import { join } from "node:path";
import { denoExecutable } from "../lib/experiments/process_pool.ts";
import { readRunResult } from "../lib/experiments/result.ts";
import { readScoresFile } from "../lib/experiments/scores_file.ts";
import { runTaskArgs } from "./sweep_testing.ts";

const PAIRED = new URL("./paired.ts", import.meta.url).pathname;

async function deno(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  const out = await new Deno.Command(denoExecutable(), { args }).output();
  const dec = new TextDecoder();
  return { code: out.code, stdout: dec.decode(out.stdout), stderr: dec.decode(out.stderr) };
}

/** A smoke run on the embedded sample, class 0, 60 test images, its scores kept. */
async function smoke(dir: string, method: string, seed: number): Promise<string> {
  const out = join(dir, `${method}-${seed}.json`);
  const r = await deno([
    ...runTaskArgs(dir),
    ...["--method", method, "--dataset", "fashion-mnist-sample", "--normal", "0"],
    ...["--preset", "smoke", "--seed", String(seed), "--test-limit", "60", "--backend", "cpu"],
    ...["--out", out, "--quiet", "--keep-scores"],
  ]);
  assert.equal(r.code, 0, r.stderr);
  return out;
}

Deno.test("paired: two methods on the same test images; other images or no kept scores refused", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const geom = await smoke(dir, "geom", 0);
    const ocsvm = await smoke(dir, "raw-ocsvm", 0);
    const kept = await readScoresFile(join(dir, "geom-0.scores.json.gz"));
    const record = await readRunResult(geom);
    assert.equal(kept.recordDigest, record.digest, "the scores name their record");
    assert.deepEqual(Object.keys(kept.scores), Object.keys(record.metrics));
    assert.equal(kept.labels.length, 60);

    const ok = await deno(["run", "--allow-read", PAIRED, geom, ocsvm, "--score-a", "simple"]);
    assert.equal(ok.code, 0, ok.stderr);
    const auroc = (r: typeof record, s: string) => r.metrics[s]!.auroc.toFixed(4);
    const other = await readRunResult(ocsvm);
    const first = Object.keys(other.metrics)[0]!;
    assert.match(
      ok.stdout,
      new RegExp(`\\(simple\\) against .* \\(${first}\\) on the same 60 test images`),
    );
    assert.match(
      ok.stdout,
      new RegExp(`\\n${auroc(record, "simple")}\\s+${auroc(other, first)}\\s+[+-]`),
    );

    const seed1 = await smoke(dir, "geom", 1); // another seed draws another 60 test images
    const differ = await deno(["run", "--allow-read", PAIRED, geom, seed1]);
    assert.equal(differ.code, 1, differ.stdout);
    assert.match(differ.stderr, /scored different test images/);
    assert.equal(differ.stderr.trim().split("\n").length, 1, "one line");

    await Deno.remove(join(dir, "geom-1.scores.json.gz")); // as a run without --keep-scores
    const none = await deno(["run", "--allow-read", PAIRED, geom, seed1]);
    assert.equal(none.code, 2);
    assert.match(
      none.stderr,
      /geom-1\.json: no kept scores .*; run it again with `deno task run`, .*`--keep-scores --force`/,
    );
    // A record rerun at the same path leaves the earlier run's scores beside it: refused.
    await Deno.copyFile(join(dir, "geom-0.scores.json.gz"), join(dir, "geom-1.scores.json.gz"));
    const stale = await deno(["run", "--allow-read", PAIRED, geom, seed1]);
    assert.equal(stale.code, 1);
    assert.match(stale.stderr, /holds the scores of another run than .*geom-1\.json/);
    // Scores files given directly, a named score of B, a missing file.
    const direct = await deno([
      "run",
      "--allow-read",
      PAIRED,
      join(dir, "geom-0.scores.json.gz"),
      join(dir, "raw-ocsvm-0.scores.json.gz"),
      "--score-a",
      "simple",
      "--score-b",
      first,
    ]);
    assert.equal(direct.code, 0, direct.stderr);
    assert.equal(direct.stdout, ok.stdout, "the same comparison");
    const noScore = await deno(["run", "--allow-read", PAIRED, geom, ocsvm, "--score-b", "x"]);
    assert.equal(noScore.code, 1);
    assert.match(noScore.stderr, /has no score 'x'/);
    const missing = await deno(["run", "--allow-read", PAIRED, geom, join(dir, "nope.json")]);
    assert.equal(missing.code, 2);
    assert.match(missing.stderr, /nope\.json: no such file/);
    const one = await deno(["run", "--allow-read", PAIRED, geom]);
    assert.equal(one.code, 2);
    assert.match(one.stderr, /takes two runs, A and B \(got 1\)/);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
