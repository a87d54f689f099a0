import * as tf from "@tensorflow/tfjs";
import {
  assertMatchesCpu,
  CONV_CASES as CASES,
  type ConvCase as Case,
  randomTensor,
  skipReason,
} from "./testing.ts";

const ignore = skipReason !== undefined;

const name = (c: Case) => `x${c.x.join("x")} f${c.f.join("x")} s${c.s.join("x")} ${c.pad}`;

Deno.test({
  name: "native Conv2D matches cpu on strides 1/2, same/valid, 1x1/3x3, non-square",
  ignore,
  async fn() {
    for (const [i, c] of CASES.entries()) {
      const x = randomTensor(c.x, 10 + i);
      const f = randomTensor(c.f, 20 + i);
      await assertMatchesCpu(
        `conv2d ${name(c)}`,
        () => tf.conv2d(x as tf.Tensor4D, f as tf.Tensor4D, c.s, c.pad),
      );
      tf.dispose([x, f]);
    }
  },
});

Deno.test({
  name: "native Conv2DBackpropInput and Conv2DBackpropFilter match cpu",
  ignore,
  async fn() {
    for (const [i, c] of CASES.entries()) {
      const x = randomTensor(c.x, 30 + i);
      const f = randomTensor(c.f, 40 + i);
      const yShape = tf.conv2d(x as tf.Tensor4D, f as tf.Tensor4D, c.s, c.pad).shape;
      const dy = randomTensor(yShape, 50 + i);
      const attrs = { strides: c.s, pad: c.pad, dataFormat: "NHWC" };
      await assertMatchesCpu(
        `backprop input ${name(c)}`,
        () =>
          tf.engine().runKernel(tf.Conv2DBackpropInput, { dy, filter: f }, {
            ...attrs,
            inputShape: c.x,
          }) as tf.Tensor,
      );
      await assertMatchesCpu(
        `backprop filter ${name(c)}`,
        () =>
          tf.engine().runKernel(tf.Conv2DBackpropFilter, { x, dy }, {
            ...attrs,
            filterShape: c.f,
          }) as tf.Tensor,
      );
      tf.dispose([x, f, dy]);
    }
  },
});

Deno.test({
  name: "native FusedConv2D with bias and relu/relu6/elu/sigmoid/leakyrelu matches cpu",
  ignore,
  async fn() {
    const x = randomTensor([2, 9, 7, 5], 1);
    const f = randomTensor([3, 3, 5, 6], 2);
    const bias = randomTensor([6], 3);
    for (const activation of ["linear", "relu", "relu6", "elu", "sigmoid", "leakyrelu"] as const) {
      await assertMatchesCpu(`fused ${activation}`, () =>
        tf.fused.conv2d({
          x: x as tf.Tensor4D,
          filter: f as tf.Tensor4D,
          strides: [2, 1],
          pad: "same",
          bias,
          activation,
          leakyreluAlpha: 0.1,
        }));
    }
    tf.dispose([x, f, bias]);
  },
});

Deno.test({
  name: "native Conv2D handles NCHW and dilation",
  ignore,
  async fn() {
    const x = randomTensor([2, 10, 9, 3], 5);
    const f = randomTensor([3, 3, 3, 4], 6);
    await assertMatchesCpu(
      "conv2d dilation 2",
      () => tf.conv2d(x as tf.Tensor4D, f as tf.Tensor4D, 1, "same", "NHWC", 2),
    );
    await assertMatchesCpu("conv2d NCHW", () => {
      const xc = tf.transpose(x, [0, 3, 1, 2]) as tf.Tensor4D;
      const y = tf.conv2d(xc, f as tf.Tensor4D, [2, 1], "valid", "NCHW");
      return y;
    });
    tf.dispose([x, f]);
  },
});
