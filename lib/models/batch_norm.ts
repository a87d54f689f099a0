/**
 * tfjs-layers' BatchNormalization (optionally with the ReLU that follows it in every geomad
 * network) with one change: in training mode on the `native` backend,
 * channels-last, it normalises with one fused oneDNN kernel (forward and backward) instead of
 * `tf.moments` + `tf.batchNorm`, which cost about ten full passes over the activations per layer
 * and step. Same maths (batch mean, biased batch variance, the same moving-average updates),
 * summed in another order. Everywhere else (inference, other backends) it is the stock layer.
 * @module
 */
import * as tf from "@tensorflow/tfjs";
import { nativeBatchNormRelu, nativeBatchNormTrain } from "../backend/native/ops.ts";

type BatchNormArgs = NonNullable<Parameters<typeof tf.layers.batchNormalization>[0]>;
type BatchNormLayer = ReturnType<typeof tf.layers.batchNormalization>;
type Kwargs = Parameters<BatchNormLayer["call"]>[1];

/** A layer variable as tfjs-layers keeps them (read, and write for the moving statistics). */
interface LayerVar {
  read(): tf.Tensor;
  write(value: tf.Tensor): void;
}

/** The stock layer's fields the fused path reads. */
interface Internals {
  axis: number;
  momentum: number;
  epsilon: number;
  gamma?: LayerVar | null;
  beta?: LayerVar | null;
  movingMean: LayerVar;
  movingVariance: LayerVar;
}

const StockBatchNormalization = tf.layers.batchNormalization({}).constructor as new (
  args: BatchNormArgs,
) => BatchNormLayer;

/** Arguments of {@linkcode FusedBatchNormalization}: the stock layer's plus `relu`. */
export type FusedBatchNormArgs = BatchNormArgs & {
  /** Apply max(0, .) to the output (fused into the same kernel on native). Default false. */
  relu?: boolean;
};

/**
 * BatchNormalization (optionally followed by ReLU) whose training step takes the fused native
 * kernel where it can.
 */
export class FusedBatchNormalization extends StockBatchNormalization {
  /** Whether the layer applies ReLU to its output. */
  readonly relu: boolean;

  constructor(args: FusedBatchNormArgs) {
    const { relu, ...rest } = args;
    super(rest);
    this.relu = relu ?? false;
  }

  override call(inputs: tf.Tensor | tf.Tensor[], kwargs: Kwargs): tf.Tensor | tf.Tensor[] {
    const x = Array.isArray(inputs) ? inputs[0] : inputs;
    const me = this as unknown as Internals;
    const lastAxis = x !== undefined && (me.axis === -1 || me.axis === x.rank - 1);
    const stock = () =>
      tf.tidy(() => {
        const y = super.call(inputs, kwargs) as tf.Tensor;
        return this.relu ? tf.relu(y) : y;
      });
    if (!x || !lastAxis || !me.gamma || !me.beta) return stock();
    if (!kwargs?.training) {
      if (!this.relu) return stock();
      const y = tf.tidy(() =>
        nativeBatchNormRelu(x, {
          mean: me.movingMean.read(),
          variance: me.movingVariance.read(),
          scale: me.gamma!.read(),
          offset: me.beta!.read(),
        }, me.epsilon)
      );
      return y ?? stock();
    }
    const fused = tf.tidy(() => {
      const out = nativeBatchNormTrain(x, me.gamma!.read(), me.beta!.read(), me.epsilon, {
        relu: this.relu,
      });
      if (!out) return undefined;
      const [y, mean, variance] = out;
      // as the stock layer: moving <- moving - (moving - batch) * (1 - momentum), its three
      // float32 kernels as one loop (the native backend's arrays are read directly)
      const c = Math.fround(1 - me.momentum), f = Math.fround;
      for (const [v, batch] of [[me.movingMean, mean], [me.movingVariance, variance]] as const) {
        const orig = v.read();
        const o = orig.dataSync() as Float32Array, b = batch.dataSync() as Float32Array;
        const next = new Float32Array(o.length);
        for (let j = 0; j < o.length; j++) next[j] = f(o[j]! - f(f(o[j]! - b[j]!) * c));
        v.write(tf.tensor(next, orig.shape, "float32"));
      }
      return y;
    });
    return fused ?? stock();
  }

  override getConfig(): tf.serialization.ConfigDict {
    return { ...super.getConfig(), relu: this.relu };
  }
}
