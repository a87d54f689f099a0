import assert from "node:assert/strict";
import * as tf from "@tensorflow/tfjs";
import { initBackend } from "../backend/select.ts";
import { flipRot8, geometric72, GeometricSet, rot4, translate9 } from "./geometric.ts";
import type { GeometricParams } from "./index_map.ts";
import { maxAbsDiff, rampImage, randomImages, rows } from "./testing.ts";

await initBackend("cpu");

/** Reference: the paper's steps written directly as tf ops (no index maps). */
function reference(x: tf.Tensor4D, p: GeometricParams): tf.Tensor4D {
  return tf.tidy(() => {
    let y = x;
    if (p.flip) y = tf.reverse(y, 2);
    const [n, h, w, c] = y.shape;
    const s = Math.max(Math.abs(p.tx), Math.abs(p.ty), 1);
    const padded = tf.mirrorPad(y, [[0, 0], [s, s], [s, s], [0, 0]], "symmetric");
    y = tf.slice(padded, [0, s + p.tx, s + p.ty, 0], [n, h, w, c]);
    for (let r = 0; r < p.k; r++) y = tf.reverse(tf.transpose(y, [0, 2, 1, 3]), 1);
    return y;
  });
}

Deno.test("geometric72 pins the paper's enumeration order and index formula", () => {
  const set = geometric72({ height: 32, width: 32 });
  assert.equal(set.size, 72);
  assert.equal(set.kind, "geometric");
  const picked = [0, 1, 4, 12, 36, 71].map((i) => set.labels[i]);
  assert.deepEqual(picked, [
    "flip=0 tx=0 ty=0 rot=0",
    "flip=0 tx=0 ty=0 rot=90",
    "flip=0 tx=0 ty=-8 rot=0",
    "flip=0 tx=-8 ty=0 rot=0",
    "flip=1 tx=0 ty=0 rot=0",
    "flip=1 tx=8 ty=8 rot=270",
  ]);
  const off = [0, -8, 8];
  for (let f = 0; f < 2; f++) {
    for (let a = 0; a < 3; a++) {
      for (let b = 0; b < 3; b++) {
        for (let k = 0; k < 4; k++) {
          const p = set.params[36 * f + 12 * a + 4 * b + k]!;
          assert.deepEqual(p, { flip: f === 1, tx: off[a], ty: off[b], k });
        }
      }
    }
  }
  assert.equal(new Set(set.labels).size, 72);
});

Deno.test("geometric72 scales the shift with the image size (s = H/4) or takes it as an option", () => {
  assert.equal(geometric72({ height: 64, width: 64 }).labels[71], "flip=1 tx=16 ty=16 rot=270");
  assert.equal(geometric72({ height: 28, width: 28 }).labels[12], "flip=0 tx=-7 ty=0 rot=0");
  assert.equal(
    geometric72({ height: 32, width: 32, shift: 4 }).labels[8],
    "flip=0 tx=0 ty=4 rot=0",
  );
  assert.throws(() => geometric72({ height: 3, width: 3 }), RangeError);
  assert.throws(() => geometric72({ height: 32, width: 28 }), /need square images/);
});

Deno.test("geometric72 on a 4x4 ramp with s=1: translation, reflection, rotation, flip", () => {
  const set = geometric72({ height: 4, width: 4 });
  const x = rampImage(4, 4);
  const one = (t: number) => tf.tidy(() => rows(set.apply(x, [t])));
  assert.deepEqual(one(0), [[0, 1, 2, 3], [4, 5, 6, 7], [8, 9, 10, 11], [12, 13, 14, 15]]);
  // tx = -1 (index 12): out[i,j] = in[i-1, j], row -1 reflects to row 0.
  assert.deepEqual(one(12), [[0, 1, 2, 3], [0, 1, 2, 3], [4, 5, 6, 7], [8, 9, 10, 11]]);
  // tx = +1 (index 24): row 4 reflects to row 3.
  assert.deepEqual(one(24), [[4, 5, 6, 7], [8, 9, 10, 11], [12, 13, 14, 15], [12, 13, 14, 15]]);
  // ty = +1 (index 8): columns move left, column 4 reflects to column 3.
  assert.deepEqual(one(8), [[1, 2, 3, 3], [5, 6, 7, 7], [9, 10, 11, 11], [13, 14, 15, 15]]);
  // 90 degrees counter-clockwise (index 1): the right column becomes the top row.
  assert.deepEqual(one(1), [[3, 7, 11, 15], [2, 6, 10, 14], [1, 5, 9, 13], [0, 4, 8, 12]]);
  // Left-right flip (index 36).
  assert.deepEqual(one(36), [[3, 2, 1, 0], [7, 6, 5, 4], [11, 10, 9, 8], [15, 14, 13, 12]]);
  // flip, then tx=-1 ty=+1, then rot90 (index 36+12+8+1 = 57); checked with numpy
  // (fliplr, pad mode="symmetric" + slice, rot90).
  assert.deepEqual(one(57), [[0, 0, 4, 8], [0, 0, 4, 8], [1, 1, 5, 9], [2, 2, 6, 10]]);
  x.dispose();
});

Deno.test("geometric72 on an 8x8 ramp with s=2: reflection of two rows/columns, composition", () => {
  const set = geometric72({ height: 8, width: 8 });
  const x = rampImage(8, 8);
  const one = (t: number) => tf.tidy(() => rows(set.apply(x, [t])));
  // tx=+2 ty=-2 (index 28): rows 2..7,7,6 and columns 1,0,0,1..5.
  assert.deepEqual(one(28), [
    [17, 16, 16, 17, 18, 19, 20, 21],
    [25, 24, 24, 25, 26, 27, 28, 29],
    [33, 32, 32, 33, 34, 35, 36, 37],
    [41, 40, 40, 41, 42, 43, 44, 45],
    [49, 48, 48, 49, 50, 51, 52, 53],
    [57, 56, 56, 57, 58, 59, 60, 61],
    [57, 56, 56, 57, 58, 59, 60, 61],
    [49, 48, 48, 49, 50, 51, 52, 53],
  ]);
  // tx=-2, rot 180 (index 14).
  assert.deepEqual(one(14), [
    [47, 46, 45, 44, 43, 42, 41, 40],
    [39, 38, 37, 36, 35, 34, 33, 32],
    [31, 30, 29, 28, 27, 26, 25, 24],
    [23, 22, 21, 20, 19, 18, 17, 16],
    [15, 14, 13, 12, 11, 10, 9, 8],
    [7, 6, 5, 4, 3, 2, 1, 0],
    [7, 6, 5, 4, 3, 2, 1, 0],
    [15, 14, 13, 12, 11, 10, 9, 8],
  ]);
  // flip, tx=-2, ty=+2, rot 270 (index 36+12+8+3 = 59); checked with numpy.
  assert.deepEqual(one(59), [
    [45, 37, 29, 21, 13, 5, 5, 13],
    [44, 36, 28, 20, 12, 4, 4, 12],
    [43, 35, 27, 19, 11, 3, 3, 11],
    [42, 34, 26, 18, 10, 2, 2, 10],
    [41, 33, 25, 17, 9, 1, 1, 9],
    [40, 32, 24, 16, 8, 0, 0, 8],
    [40, 32, 24, 16, 8, 0, 0, 8],
    [41, 33, 25, 17, 9, 1, 1, 9],
  ]);
  x.dispose();
});

Deno.test("GeometricSet.apply() equals direct flip/pad/slice/rot ops for all 72 (square, odd sizes)", () => {
  const cases: Array<[number, number, number | undefined]> = [
    [32, 3, undefined],
    [7, 1, undefined],
    [5, 2, 2],
    [9, 3, 3],
  ];
  for (const [size, c, shift] of cases) {
    const set = geometric72({ height: size, width: size, shift });
    const x = randomImages([72, size, size, c], size);
    const t = Int32Array.from({ length: 72 }, (_, i) => i);
    const want = tf.tidy(() =>
      tf.concat(set.params.map((p, i) => reference(tf.slice(x, i, 1), p)))
    );
    for (const method of ["js", "gather"] as const) {
      const fast = set.apply(x, t, { method });
      for (let i = 0; i < 72; i++) {
        const diff = tf.tidy(() => maxAbsDiff(tf.slice(fast, i, 1), tf.slice(want, i, 1)));
        assert.equal(diff, 0, `${method}: size ${size} transform ${i} (${set.labels[i]})`);
      }
      fast.dispose();
    }
    tf.dispose([x, want]);
  }
});

Deno.test("translate9 handles non-square images; flip-rot8 and rot4 on odd sizes", () => {
  const tr = translate9({ height: 6, width: 10 });
  assert.deepEqual(tr.labels.slice(0, 4), ["tx=0 ty=0", "tx=0 ty=-2", "tx=0 ty=2", "tx=-1 ty=0"]);
  const sets: Array<[GeometricSet, number, number]> = [
    [tr, 6, 10],
    [flipRot8({ height: 5, width: 5 }), 5, 5],
    [rot4({ height: 3, width: 3 }), 3, 3],
  ];
  for (const [set, h, w] of sets) {
    const x = randomImages([set.size, h, w, 3], 7);
    const fast = set.apply(x, Int32Array.from({ length: set.size }, (_, i) => i));
    for (let i = 0; i < set.size; i++) {
      const diff = tf.tidy(() => {
        const want = reference(tf.slice(x, [i, 0, 0, 0], [1, h, w, 3]), set.params[i]!);
        return maxAbsDiff(tf.slice(fast, [i, 0, 0, 0], [1, h, w, 3]), want);
      });
      assert.equal(diff, 0, `${set.name} transform ${i}`);
    }
    tf.dispose([x, fast]);
  }
  assert.throws(() => rot4({ height: 4, width: 6 }), RangeError);
});

Deno.test("rot4, flip-rot8 and translate9 are the matching members of geometric72", () => {
  const g = geometric72({ height: 8, width: 8 });
  const same = (a: GeometricSet, i: number, j: number) =>
    assert.deepEqual(a.indexMap(i), g.indexMap(j), `${a.name}[${i}] vs geometric72[${j}]`);
  const r = rot4({ height: 8, width: 8 });
  assert.deepEqual(r.labels, ["rot=0", "rot=90", "rot=180", "rot=270"]);
  for (let k = 0; k < 4; k++) same(r, k, k);
  const fr = flipRot8({ height: 8, width: 8 });
  assert.equal(fr.labels[5], "flip=1 rot=90");
  for (let f = 0; f < 2; f++) for (let k = 0; k < 4; k++) same(fr, 4 * f + k, 36 * f + k);
  const tr = translate9({ height: 8, width: 8 });
  for (let a = 0; a < 3; a++) for (let b = 0; b < 3; b++) same(tr, 3 * a + b, 12 * a + 4 * b);
});

Deno.test("GeometricSet.apply() on a mixed batch equals per-image application, without leaks", () => {
  const set = geometric72({ height: 16, width: 16 });
  const x = randomImages([10, 16, 16, 3], 3);
  const t = [71, 0, 5, 36, 12, 12, 59, 1, 2, 44];
  for (const method of ["js", "gather"] as const) {
    const before = tf.memory().numTensors;
    const mixed = set.apply(x, t, { method });
    assert.equal(tf.memory().numTensors, before + 1);
    const each = tf.tidy(() =>
      tf.concat(t.map((ti, i) => set.apply(tf.slice(x, i, 1), [ti], { method })))
    );
    assert.equal(maxAbsDiff(mixed, each), 0);
    tf.dispose([mixed, each]);
    assert.equal(tf.memory().numTensors, before, method);
  }
  x.dispose();
});

Deno.test("GeometricSet.apply() rejects bad batches with clear errors", () => {
  const set = geometric72({ height: 8, width: 8 });
  const x = tf.zeros([2, 8, 8, 1]) as tf.Tensor4D;
  assert.throws(() => set.apply(x, [0]), /2 images/);
  assert.throws(() => set.apply(x, [0, 72]), /outside \[0, 72\)/);
  assert.throws(() => set.apply(x, [0, 1.5]), RangeError);
  const y = tf.zeros([2, 8, 6, 1]) as tf.Tensor4D;
  assert.throws(() => set.apply(y, [0, 1]), /built for 8x8/);
  tf.dispose([x, y]);
});
