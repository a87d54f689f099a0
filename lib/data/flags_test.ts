import assert from "node:assert/strict";
import { UsageError } from "../util/errors.ts";
import { dataArgs, dataOptionsOf } from "./flags.ts";

Deno.test("dataOptionsOf() parses the data flags; dataArgs() writes them back", () => {
  assert.deepEqual(dataOptionsOf({}), {});
  const o = dataOptionsOf({
    "data-dir": "d",
    "image-size": "64",
    channels: "3",
    "no-verify": true,
  });
  assert.deepEqual(o, { dataDir: "d", imageSize: 64, channels: 3, verify: false });
  assert.deepEqual(dataArgs(o), [
    "--data-dir",
    "d",
    "--image-size",
    "64",
    "--channels",
    "3",
    "--no-verify",
  ]);
  assert.deepEqual(dataOptionsOf({ "no-verify": false }), {});
});

Deno.test("dataOptionsOf() refuses bad sizes and channel counts with the flag's name", () => {
  for (
    const [values, msg] of [
      [{ "image-size": "x" }, /--image-size must be an integer in \[1, 4096\], got 'x'/],
      [{ "image-size": "0" }, /--image-size must be an integer in \[1, 4096\], got '0'/],
      [{ "data-dir": "" }, /--data-dir is empty/],
      [{ channels: "2" }, /--channels must be 1 or 3, got '2'/],
      [{ channels: "rgb" }, /--channels must be 1 or 3, got 'rgb'/],
    ] as const
  ) {
    assert.throws(
      () => dataOptionsOf(values),
      (e: unknown) => e instanceof UsageError && msg.test(e.message),
    );
  }
});
