/**
 * scripts/run_notebooks.py on small fixture notebooks: outputs captured (also results that
 * arrive after idle), cell errors, missing display output and type errors each fail with one
 * line naming notebook and cell; committed notebooks are never written.
 * Skipped when Debian's python3 lacks jupyter_client / nbformat.
 */
import assert from "node:assert/strict";
import { fileURLToPath } from "node:url";

const PYTHON = "/usr/bin/python3";
const RUNNER = fileURLToPath(new URL("./run_notebooks.py", import.meta.url));

function hasJupyter(): boolean {
  try {
    return new Deno.Command(PYTHON, { args: ["-c", "import jupyter_client, nbformat"] })
      .outputSync().success;
  } catch {
    return false;
  }
}

function notebook(cells: Array<[kind: "code" | "markdown", source: string]>) {
  return {
    nbformat: 4,
    nbformat_minor: 5,
    metadata: { kernelspec: { name: "deno", display_name: "Deno", language: "typescript" } },
    cells: cells.map(([kind, source], i) => ({
      id: `c${i}`,
      cell_type: kind,
      metadata: {},
      source,
      ...(kind === "code" ? { outputs: [], execution_count: null } : {}),
    })),
  };
}

async function run(args: string[]) {
  const out = await new Deno.Command(PYTHON, {
    args: [RUNNER, "--deno", Deno.execPath(), ...args],
    env: { NO_COLOR: "1" },
  }).output();
  const text = new TextDecoder();
  return { code: out.code, stdout: text.decode(out.stdout), stderr: text.decode(out.stderr) };
}

type Output = { output_type: string; data?: Record<string, unknown>; text?: string | string[] };
type Cell = { outputs?: Output[]; execution_count?: number | null };

/** nbformat stores multi-line strings as lists of lines. */
const joined = (v: unknown) => [v].flat().join("");

const expressions = Array.from({ length: 20 }, (_, i) => ["code", `${i} + 1`] as ["code", string]);

Deno.test({
  name: "run_notebooks.py executes notebooks and fails on errors and missing output",
  ignore: !hasJupyter(),
  async fn() {
    const dir = await Deno.makeTempDir();
    try {
      const good = notebook([
        ["markdown", "# good"],
        ["code", 'const x = 2;\nconsole.log("hello");'],
        ["code", 'await Deno.jupyter.display({ "text/plain": "shown" }, { raw: true });'],
        ...expressions,
      ]);
      const files = {
        "a_good.ipynb": good,
        "b_error.ipynb": notebook([
          ["code", "const y = 1;"],
          ["code", 'throw new Error("boom\\nmore");'],
          ["code", "y"],
        ]),
        "c_silent.ipynb": notebook([["code", "if (Date.now() < 0) await showTable([]);"]]),
      };
      for (const [name, nb] of Object.entries(files)) {
        await Deno.writeTextFile(`${dir}/${name}`, JSON.stringify(nb));
      }
      const before = await Deno.readTextFile(`${dir}/a_good.ipynb`);
      const r = await run(["--no-check", "--save", `${dir}/out`, dir]);
      assert.equal(r.code, 1, r.stdout + r.stderr);
      assert.match(r.stdout, /^ok {3}\S*a_good\.ipynb {2}22 code cells {2}[\d.]+ s$/m);
      assert.match(r.stdout, /b_error\.ipynb: cell 2: Error: boom$/m);
      assert.match(r.stdout, /c_silent\.ipynb: cell 1: expected display output, got none$/m);
      assert.match(r.stdout, /^total: ran 3 notebooks in [\d.]+ s, 2 failed$/m);
      assert.match(r.stderr, /run_notebooks: error: \S*b_error\.ipynb: cell 2: Error: boom/);
      assert.equal(await Deno.readTextFile(`${dir}/a_good.ipynb`), before);

      const saved = JSON.parse(await Deno.readTextFile(`${dir}/out/a_good.ipynb`));
      const cells = saved.cells as Cell[];
      const stream = cells[1]!.outputs![0]!;
      assert.equal(stream.output_type, "stream");
      assert.equal(joined(stream.text), "hello\n");
      assert.equal(joined(cells[2]!.outputs![0]!.data!["text/plain"]), "shown");
      // Every expression cell got its result, including any that came after idle.
      cells.slice(3).forEach((cell, i) => {
        const result = cell.outputs!.find((o) => o.output_type === "execute_result");
        assert.equal(joined(result?.data?.["text/plain"]), String(i + 1), `expression cell ${i}`);
      });
      const errored = JSON.parse(await Deno.readTextFile(`${dir}/out/b_error.ipynb`));
      assert.equal(errored.cells[2].execution_count, null); // stopped at the error
    } finally {
      await Deno.remove(dir, { recursive: true });
    }
  },
});

Deno.test({
  name: "run_notebooks.py type-checks code cells and names the cell of each error",
  ignore: !hasJupyter(),
  async fn() {
    const dir = await Deno.makeTempDir();
    try {
      await Deno.writeTextFile(
        `${dir}/types.ipynb`,
        JSON.stringify(notebook([
          ["code", "const a: number = 1;"],
          ["markdown", "text"],
          ["code", "// comment\nconst b: string = a;"],
        ])),
      );
      const r = await run(["--check-only", `${dir}/types.ipynb`]);
      assert.equal(r.code, 1, r.stdout + r.stderr);
      assert.match(
        r.stdout,
        /types\.ipynb: cell 3 line 2: type error TS2322: Type 'number' is not assignable to type 'string'\.$/m,
      );
      assert.match(r.stdout, /^total: checked 1 notebooks/m);
      const bad = await run([`${dir}/missing.ipynb`]);
      assert.equal(bad.code, 2);
      assert.match(bad.stderr, /^run_notebooks: error: Cannot run notebooks: .* is not a notebook/);
    } finally {
      await Deno.remove(dir, { recursive: true });
    }
  },
});
