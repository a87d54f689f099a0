import assert from "node:assert/strict";
import { readRunResult } from "../lib/experiments/result.ts";

const SCRIPT = new URL("./geom.ts", import.meta.url).pathname;

async function geom(args: string[]) {
  const out = await new Deno.Command(Deno.execPath(), {
    args: ["run", "--allow-read", "--allow-write", "--allow-env", "--allow-ffi", SCRIPT, ...args],
    stdout: "piped",
    stderr: "piped",
  }).output();
  const dec = new TextDecoder();
  return { code: out.code, stdout: dec.decode(out.stdout), stderr: dec.decode(out.stderr) };
}

const BASE = ["--dataset", "fashion-mnist-sample", "--preset", "smoke", "--quiet"];

Deno.test("geom CLI: bad inputs give one-line errors and the right exit codes", async () => {
  const dir = await Deno.makeTempDir();
  const cases: Array<[string[], number, RegExp]> = [
    [[...BASE, "--normal", "0", "--transforms", "warp"], 2, /transform set 'warp'/],
    [[...BASE, "--normal", "12"], 2, /class/],
    [[...BASE, "--normal", "0", "--score", "median"], 2, /unknown score 'median'/],
    [[...BASE, "--normal", "0", "--preset", "huge"], 2, /unknown preset 'huge'/],
    [[...BASE, "--normal", "0", "--backend", "cuda"], 2, /unknown backend 'cuda'/],
    [["--dataset", "imagenet", "--normal", "0"], 2, /imagenet/],
    [[...BASE, "--normal", "0", "--out", `${dir}/file/x.json`], 2, /cannot write result/],
  ];
  await Deno.writeTextFile(`${dir}/file`, "a file, not a folder");
  for (const [args, code, re] of cases) {
    const r = await geom(args);
    assert.equal(r.code, code, `${args.join(" ")}: ${r.stderr}`);
    const lines = r.stderr.trim().split("\n");
    assert.equal(lines.length, 1, `one line expected: ${r.stderr}`);
    assert.match(lines[0]!, re);
    assert.doesNotMatch(r.stderr, /\n\s+at /); // no stack trace
  }
  assert.equal(await Deno.readTextFile(`${dir}/file`), "a file, not a folder");
  await Deno.remove(dir, { recursive: true });
});

Deno.test("geom CLI: a smoke run writes a complete versioned result and nothing else", async () => {
  const dir = await Deno.makeTempDir();
  const r = await geom([...BASE, "--normal", "1", "--out", `${dir}/r.json`]);
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, /dirichlet\s+0\.\d{4}/);
  const result = await readRunResult(`${dir}/r.json`);
  assert.equal(result.status, "ok");
  assert.equal(result.method, "geom");
  assert.equal(result.dataset, "fashion-mnist-sample");
  assert.equal(result.normalClass, 1);
  assert.ok(["wasm", "native", "tensorflow", "cpu"].includes(result.backend.name));
  for (const score of ["dirichlet", "simple", "max-softmax", "entropy"]) {
    assert.ok(result.metrics[score]!.auroc > 0.5, score);
  }
  assert.ok(result.data.files.length > 0);
  assert.deepEqual([...Deno.readDirSync(dir)].map((e) => e.name), ["r.json"]);
  await Deno.remove(dir, { recursive: true });
});
