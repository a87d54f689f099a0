import assert from "node:assert/strict";
import { join } from "node:path";
import { getMethod } from "../detectors/catalogue.ts";
import { aurocDeLongPaired } from "../metrics/auroc_se.ts";
import { DataError } from "../util/errors.ts";
import { resultDigest, runKey } from "./result.ts";
import {
  imagesDigest,
  keptScoresOrWhy,
  pairedAcross,
  readScoresFile,
  type ScoresFile,
  scoresFileOf,
  scoresPathOf,
  writeScoresFile,
} from "./scores_file.ts";
import { fakeResult } from "./testing.ts";

const TEST = {
  test: {
    data: Float32Array.from({ length: 6 * 4 }, (_, i) => i / 24),
    n: 6,
    height: 2,
    width: 2,
    channels: 1,
  },
  testLabels: Uint8Array.from([1, 1, 0, 0, 0, 1]),
  testClasses: Uint8Array.from([3, 3, 1, 2, 5, 3]),
  testIndices: Int32Array.from([10, 11, 12, 13, 14, 15]),
};

function kept(seed: number, scores: Record<string, number[]>): ScoresFile {
  const plan = getMethod("geom").plan("smoke");
  const result = fakeResult(plan, { dataset: "fashion-mnist", normalClass: 3, seed });
  return scoresFileOf(
    result,
    Object.fromEntries(Object.entries(scores).map(([k, s]) => [k, Float64Array.from(s)])),
    TEST,
  );
}

Deno.test("scores files: beside the record, written and read back, infinities included", async () => {
  assert.equal(scoresPathOf("results/a/seed-0.json"), "results/a/seed-0.scores.json.gz");
  const file = kept(0, {
    dirichlet: [0.1, 0.2, 0.9, Infinity, 0.7, -Infinity],
    simple: [1, 2, 3, 4, 5, 6],
  });
  const plan = getMethod("geom").plan("smoke");
  const result = fakeResult(plan, { dataset: "fashion-mnist", normalClass: 3, seed: 0 });
  assert.equal(file.run, runKey(result));
  assert.equal(file.recordDigest, resultDigest(result));
  assert.deepEqual(file.testIndices, [10, 11, 12, 13, 14, 15]);
  assert.deepEqual(file.classes, [3, 3, 1, 2, 5, 3]);
  const dir = await Deno.makeTempDir();
  try {
    const path = join(dir, "r.scores.json.gz");
    await writeScoresFile(path, file);
    const bytes = await Deno.readFile(path);
    assert.deepEqual([bytes[0], bytes[1]], [0x1f, 0x8b], "gzip");
    assert.deepEqual(await readScoresFile(path), file);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
  assert.throws(() => kept(0, { dirichlet: [1, 2] }), /score 'dirichlet' has 2 values, 6 images/);
});

Deno.test("readScoresFile: a damaged or foreign file is a DataError naming the problem", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const good = kept(0, { dirichlet: [1, 2, 3, 4, 5, 6] });
    const cases: Array<[unknown, RegExp]> = [
      [
        { ...good, schema: "geomad.result/v1" },
        /schema "geomad.result\/v1" is not geomad.scores\/v1/,
      ],
      [{ ...good, labels: [1, 2, 0, 0, 0, 1] }, /'labels' is not a list of 0 and 1/],
      [{ ...good, testIndices: [1] }, /'testIndices' or 'classes' is not 6 integers/],
      [{ ...good, scores: { dirichlet: [1, 2, 3] } }, /score 'dirichlet' is not 6 numbers/],
      [{ ...good, scores: { dirichlet: [1, 2, 3, 4, 5, "x"] } }, /score 'dirichlet' is not 6/],
      [{ ...good, scores: {} }, /'scores' is missing or empty/],
      [{ ...good, recordDigest: undefined }, /no recordDigest/],
      [{ ...good, scores: { d: [1, 2, 3, 4, 5, "toString"] } }, /score 'd' is not 6 numbers/],
    ];
    for (const [value, why] of cases) {
      const path = join(dir, "x.scores.json.gz");
      await writeScoresFile(path, value as ScoresFile);
      await assert.rejects(
        readScoresFile(path),
        (e) => e instanceof DataError && why.test(e.message),
      );
    }
    const plain = join(dir, "plain.scores.json.gz");
    await Deno.writeTextFile(plain, JSON.stringify(good));
    await assert.rejects(readScoresFile(plain), /not gzip data/);
    await assert.rejects(readScoresFile(join(dir, "none.scores.json.gz")), DataError);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("pairedAcross: DeLong's paired test across runs, only on the same test images", () => {
  const a = kept(0, { dirichlet: [0.1, 0.5, 0.4, 0.9, 0.3, 0.2], simple: [1, 2, 3, 4, 5, 6] });
  const b = kept(1, { goad: [0.2, 0.1, 0.8, 0.3, 0.9, 0.35] });
  const r = pairedAcross(a, b, "dirichlet", "goad");
  const neg = (s: number[]) => s.map((x) => -x);
  const want = aurocDeLongPaired(neg(a.scores.dirichlet!), neg(b.scores.goad!), a.labels);
  assert.deepEqual(r, { ...want, n: 6, nNormal: 3 });
  assert.throws(
    () => pairedAcross(a, b, "entropy", "goad"),
    /has no score 'entropy' \(it has dirichlet, simple\)/,
  );
  assert.throws(() => pairedAcross(a, b, "toString", "goad"), /has no score 'toString'/);
  const other = { ...b, testDigest: "0".repeat(64) };
  assert.throws(() => pairedAcross(a, other, "dirichlet", "goad"), /scored different test images/);
  const moved = { ...b, testIndices: [10, 11, 12, 13, 15, 14] };
  assert.throws(() => pairedAcross(a, moved, "dirichlet", "goad"), DataError);
});

Deno.test("imagesDigest: changes with a pixel or the shape", () => {
  const d = imagesDigest(TEST.test);
  const pixel = { ...TEST.test, data: TEST.test.data.slice() };
  pixel.data[5] = 0.5;
  assert.notEqual(imagesDigest(pixel), d);
  assert.notEqual(imagesDigest({ ...TEST.test, height: 4, width: 1 }), d);
  assert.equal(imagesDigest({ ...TEST.test, data: TEST.test.data.slice() }), d);
});

Deno.test("keptScoresOrWhy: the record's own scores, or why not (none, an earlier run's, unreadable)", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const record = join(dir, "seed-0.json"), path = scoresPathOf(record);
    const file = kept(0, { dirichlet: [0.1, 0.2, 0.9, 0.3, 0.7, 0.4] });
    const digest = file.recordDigest; // the record's digest, as writeRunResult stores it
    assert.deepEqual(await keptScoresOrWhy(record, digest), {
      noScores: `no kept scores (${path})`,
    });
    await writeScoresFile(path, file);
    assert.deepEqual(await keptScoresOrWhy(record, digest), { scores: file });
    const other = await keptScoresOrWhy(record, "another record's digest");
    assert.match(other.noScores!, /holds the scores of another run than .*seed-0\.json/);
    await Deno.writeTextFile(path, "not gzip, not JSON");
    const bad = await keptScoresOrWhy(record, digest);
    assert.match(bad.noScores!, /^Cannot read .*seed-0\.scores\.json\.gz: not gzip data/);
    assert.equal(bad.scores, undefined);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
