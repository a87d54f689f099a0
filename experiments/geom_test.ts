import assert from "node:assert/strict";
import { readRunResult } from "../lib/experiments/result.ts";
import { listDir } from "./sweep_testing.ts";

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
    [
      ["--dataset", "fashion-mnist-sample", "--normal", "0", "--preset", "huge"],
      2,
      /unknown preset 'huge'/,
    ],
    [[...BASE, "--normal", "0", "--backend", "cuda"], 2, /unknown backend 'cuda'/],
    [["--dataset", "imagenet", "--normal", "0"], 2, /imagenet/],
    [[...BASE, "--normal", "0", "--out", `${dir}/file/x.json`], 2, /cannot write result/],
    // Loose numbers and lists (issue 15, item 5): each one a usage error, nothing run.
    [[...BASE, "--normal", ""], 2, /--normal must be an integer >= 0, got ''/],
    [[...BASE, "--normal", "0x1"], 2, /--normal must be an integer >= 0, got '0x1'/],
    [[...BASE, "--normal", " 1 "], 2, /--normal must be an integer >= 0, got ' 1 '/],
    [[...BASE, "--normal", "1e0"], 2, /--normal must be an integer/],
    [[...BASE, "--normal", "0", "--score", ""], 2, /--score is empty/],
    [[...BASE, "--normal", "0", "--score", "dirichlet,,simple"], 2, /--score has an empty item/],
    [[...BASE, "--normal", "0", "--seed=-1"], 2, /--seed must be an integer in \[0, 4294967295\]/],
    [[...BASE, "--normal", "0", "--seed", "4294967296"], 2, /--seed must be an integer in/],
    [[...BASE, "--normal", "0", "--normal", "1"], 2, /--normal is given more than once/],
    [[...BASE, "--normal", "0", "--epochs", "0"], 2, /--epochs must be an integer >= 1/],
    [[...BASE, "--normal", "0", "--data-dir", ""], 2, /--data-dir is empty/],
  ];
  await Deno.writeTextFile(`${dir}/file`, "a file, not a folder");
  for (const [args, code, re] of cases) {
    const r = await geom(args.includes("--out") ? args : [...args, "--out", `${dir}/out/r.json`]);
    assert.equal(r.code, code, `${args.join(" ")}: ${r.stderr}`);
    const lines = r.stderr.trim().split("\n");
    // One line for the error; a usage error adds the usage line and a hint to use --help.
    assert.equal(lines.length, code === 2 ? 3 : 1, `${args.join(" ")}: ${r.stderr}`);
    assert.match(lines[0]!, re);
    if (code === 2) {
      assert.match(lines[1]!, /^usage: deno task geom --dataset D --normal C /);
      assert.match(lines[2]!, /'deno task geom --help'/);
    }
    assert.doesNotMatch(r.stderr, /\n\s+at /); // no stack trace
  }
  const written = (await Array.fromAsync(Deno.readDir(dir))).map((e) => e.name);
  assert.ok(written.every((n) => n === "file" || n === "out"), written.join(", "));
  assert.deepEqual(await listDir(`${dir}/out`), []);
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
