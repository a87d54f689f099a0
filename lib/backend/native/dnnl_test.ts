import assert from "node:assert/strict";
import { convBackwardData, convBackwardFilter, convForward, type ConvGeom } from "./conv.ts";
import { Dnnl } from "./dnnl.ts";
import { type DnnlLib, loadDnnl } from "./ffi.ts";

const loaded = loadDnnl();

const G: ConvGeom = {
  batch: 2,
  inH: 6,
  inW: 6,
  inC: 4,
  outH: 6,
  outW: 6,
  outC: 8,
  fh: 3,
  fw: 3,
  strideH: 1,
  strideW: 1,
  dilH: 1,
  dilW: 1,
  padT: 1,
  padL: 1,
  padB: 1,
  padR: 1,
  channelsLast: true,
};

Deno.test({
  name: "Dnnl: convolutions are DESCRIBED on all threads, even right after a one-thread call",
  ignore: !loaded.ok,
  fn() {
    if (!loaded.ok) return;
    // oneDNN fixes an implementation's work split (jcp.nthr) when the primitive descriptor is
    // created, from the OpenMP max threads at that moment. Record that value at every
    // descriptor creation; a convolution described at 1 thread runs on 1 thread for good.
    let threads = 0;
    const atDescribe: number[] = [];
    const real = loaded.lib.symbols;
    const symbols = {
      ...real,
      dnnl_primitive_desc_create: (...args: Parameters<typeof real.dnnl_primitive_desc_create>) => {
        atDescribe.push(threads);
        return real.dnnl_primitive_desc_create(...args);
      },
    };
    const lib = Object.create(loaded.lib, { symbols: { value: symbols } }) as DnnlLib;
    const d = new Dnnl(lib, {
      threads: 2,
      setThreads: (n) => {
        threads = n;
        loaded.setThreads?.(n);
      },
    });
    const x = new Float32Array(2 * 6 * 6 * 4).fill(0.5);
    const w = new Float32Array(3 * 3 * 4 * 8).fill(0.25);
    const dy = new Float32Array(2 * 6 * 6 * 8).fill(1);
    for (
      const run of [
        () => convForward(d, G, x, w),
        () => convBackwardData(d, G, dy, w),
        () => convBackwardFilter(d, G, x, dy),
      ]
    ) {
      d.useThreads(1); // as after a memory-bound primitive (eltwise, reorder, batch norm)
      atDescribe.length = 0;
      run();
      // The last description is the convolution itself (backward ones describe a forward
      // hint first, which never runs).
      assert.ok(atDescribe.length >= 1);
      assert.equal(atDescribe.at(-1), 2, `threads at each description: ${atDescribe}`);
    }
  },
});
