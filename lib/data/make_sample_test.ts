import assert from "node:assert/strict";
import { gunzipIfNeeded } from "./gzip.ts";
import { makeSample, sampleSplits } from "./make_sample.ts";
import { defaultSampleRoot } from "./paths.ts";
import { getDatasetSpec } from "./registry.ts";

const DEBIAN = "/usr/share/datasets/fashion-mnist";
const hasDebian = (() => {
  try {
    return Deno.statSync(`${DEBIAN}/train-images-idx3-ubyte.gz`).isFile;
  } catch {
    return false;
  }
})();

Deno.test("the committed sample is small and uses the official file names", async () => {
  const spec = getDatasetSpec("fashion-mnist-sample");
  let total = 0;
  for (const f of spec.files) {
    const st = await Deno.stat(`${defaultSampleRoot()}/fashion-mnist/${f.name}`);
    assert.equal(st.size, f.bytes);
    total += st.size;
  }
  assert.ok(total < 3_000_000, `sample is ${total} bytes`);
});

Deno.test({
  name: "makeSample() regenerates the committed sample from Debian's Fashion-MNIST",
  ignore: !hasDebian,
  async fn() {
    const splits = await sampleSplits({ from: DEBIAN });
    for (const [name, raw] of Object.entries(splits)) {
      const committed = await Deno.readFile(`${defaultSampleRoot()}/fashion-mnist/${name}.gz`);
      assert.deepEqual(
        gunzipIfNeeded(committed, name),
        raw,
        `${name} differs from its regeneration`,
      );
    }
    const out = await Deno.makeTempDir();
    const files = await makeSample({ from: DEBIAN, out });
    assert.deepEqual(
      files.map((f) => f.name),
      getDatasetSpec("fashion-mnist-sample").files.map((f) => f.name),
    );
    await Deno.remove(out, { recursive: true });
  },
});
