import assert from "node:assert/strict";
import * as tf from "@tensorflow/tfjs";
import { registerNativeBackend } from "../backend/native/register.ts";
import { Rng } from "../util/rng.ts";
import { FusedAdamOptimizer } from "./fused_adam.ts";

const nativeReason = await registerNativeBackend();

function randomArray(rng: Rng, n: number, scale: number): Float32Array {
  const a = new Float32Array(n);
  for (let i = 0; i < n; i++) a[i] = (rng.next() * 2 - 1) * scale;
  return a;
}

/** Runs `steps` Adam steps on two identical weight sets: tfjs's Adam and the fused one. */
async function compare(backend: string, steps: number, scalar = false): Promise<void> {
  await tf.setBackend(backend);
  const rng = new Rng(7);
  // one large weight (pooled buffers on native) and small ones, with tiny and huge values
  const shapes = [[3, 3, 64, 64], [64], [7, 5], [1]];
  const init = shapes.map((s) => randomArray(rng, s.reduce((a, b) => a * b), 0.5));
  const make = (tag: string) =>
    shapes.map((s, i) => tf.variable(tf.tensor(init[i]!, s), true, `${backend}-${tag}-${i}`));
  const plainVars = make("plain"), fusedVars = make("fused");
  const plain = tf.train.adam(1e-3, 0.9, 0.999, 1e-7);
  const fused = new FusedAdamOptimizer(1e-3, 0.9, 0.999, 1e-7, { scalar });
  for (let step = 0; step < steps; step++) {
    const grads = shapes.map((s, i) => {
      const scale = i === 3 ? 1e-9 : i === 2 ? 1e3 : 1;
      return tf.tensor(randomArray(rng, s.reduce((a, b) => a * b), scale), s);
    });
    plain.applyGradients(plainVars.map((v, i) => ({ name: v.name, tensor: grads[i]! })));
    fused.applyGradients(
      // the map form, as tf.variableGrads gives it
      Object.fromEntries(fusedVars.map((v, i) => [v.name, grads[i]!])) as unknown as Parameters<
        typeof fused.applyGradients
      >[0],
    );
    tf.dispose(grads);
  }
  for (let i = 0; i < shapes.length; i++) {
    const a = plainVars[i]!.dataSync(), b = fusedVars[i]!.dataSync();
    assert.deepEqual(
      new Uint32Array(b.buffer, b.byteOffset, b.length),
      new Uint32Array(a.buffer, a.byteOffset, a.length),
      `${backend}: weight ${i} differs after ${steps} steps`,
    );
  }
  const state = async (o: tf.Optimizer) => (await o.getWeights()).map((w) => w.tensor.dataSync());
  const [p, q] = [await state(plain), await state(fused)];
  assert.equal(q.length, p.length);
  p.forEach((x, i) => assert.deepEqual([...q[i]!], [...x], `${backend}: optimiser state ${i}`));
  assert.equal(fused.fusedStats.fused, steps * shapes.length);
  assert.equal(fused.fusedStats.kernels, 0);
  tf.dispose([...plainVars, ...fusedVars]);
  plain.dispose();
  fused.dispose();
}

Deno.test("fused Adam equals tfjs's Adam bit for bit on the cpu backend (weights and state)", async () => {
  await compare("cpu", 6);
});

Deno.test("fused Adam's JavaScript loop equals tfjs's Adam bit for bit on the cpu backend", async () => {
  await compare("cpu", 6, true);
});

Deno.test({
  name: "fused Adam equals tfjs's Adam bit for bit on the native backend (weights and state)",
  ignore: nativeReason !== undefined,
  async fn() {
    await compare("native", 6);
    await compare("native", 3, true);
  },
});
