/**
 * Tests that need an external program (chromium, pdflatex, jupyter-nbconvert, pdfinfo): skipped
 * with a message naming the missing program and its Debian package, but only outside CI. With
 * `CI=true` (as `.ci/run` and CI services set it) a missing program fails the test instead,
 * because `.ci/run` must have installed it.
 * @module
 */

/** True when the environment variable CI is set to `true` or `1`. */
export function inCi(): boolean {
  try {
    const ci = Deno.env.get("CI")?.toLowerCase();
    return ci === "true" || ci === "1";
  } catch {
    return false;
  }
}

/** A program a test needs: candidate paths and the Debian package that provides it. */
export interface Tool {
  name: string;
  paths: readonly string[];
  /** The apt package(s), for the message. */
  apt: string;
  /** An extra check of a found path (e.g. python modules importable); false = missing. */
  probe?: (path: string) => boolean;
}

/** The first existing path of `tool`, or undefined. */
export function findTool(tool: Tool): string | undefined {
  for (const p of tool.paths) {
    try {
      if (Deno.statSync(p).isFile && (!tool.probe || tool.probe(p))) return p;
    } catch {
      // absent
    }
  }
  return undefined;
}

/** How a test that needs `tools` is declared: its full name, whether to skip, the paths. */
export interface ToolGate {
  /** The test name, with `(skipped: ...)` when it is skipped. */
  name: string;
  /** Skip: a tool is missing and this is not CI. */
  ignore: boolean;
  /** Throws (in CI) when a tool is missing; returns the found paths by tool name. */
  require(): Record<string, string>;
}

/** The gate of a test named `name` that needs every one of `tools`. */
export function toolGate(name: string, tools: readonly Tool[]): ToolGate {
  const found: Record<string, string> = {};
  const missing: string[] = [];
  for (const t of tools) {
    const p = findTool(t);
    if (p) found[t.name] = p;
    else missing.push(`${t.name} not found (apt-get install ${t.apt})`);
  }
  const ci = inCi();
  const why = missing.join("; ");
  return {
    name: missing.length && !ci ? `${name} (skipped: ${why})` : name,
    ignore: missing.length > 0 && !ci,
    require() {
      if (missing.length) throw new Error(`${why}; CI=true: .ci/run must install it`);
      return found;
    },
  };
}

/** Headless chromium. */
export const CHROMIUM: Tool = {
  name: "chromium",
  paths: ["/usr/bin/chromium", "/usr/bin/chromium-browser", "/usr/bin/google-chrome"],
  apt: "chromium",
};
/** pdflatex with booktabs. */
export const PDFLATEX: Tool = {
  name: "pdflatex",
  paths: ["/usr/bin/pdflatex"],
  apt: "texlive-latex-recommended",
};
/** pdfinfo (poppler). */
export const PDFINFO: Tool = { name: "pdfinfo", paths: ["/usr/bin/pdfinfo"], apt: "poppler-utils" };
/**
 * jupyter nbconvert (Debian's, a /usr/bin/python3 script; `python3` on PATH may be another
 * Python without the module), with the modules that executing notebooks needs.
 */
export const NBCONVERT: Tool = {
  name: "jupyter-nbconvert",
  paths: ["/usr/bin/jupyter-nbconvert"],
  apt: "jupyter-nbconvert python3-nbconvert python3-nbclient jupyter-client",
  probe: () => {
    try {
      return new Deno.Command("/usr/bin/python3", {
        args: ["-c", "import nbconvert, nbformat, jupyter_client"],
        stdout: "null",
        stderr: "null",
      }).outputSync().success;
    } catch {
      return false;
    }
  },
};

/** Runs `cmd` with `args`; returns exit code and the combined output text. */
export async function runTool(
  cmd: string,
  args: string[],
  options: { cwd?: string } = {},
): Promise<{ code: number; output: string }> {
  const out = await new Deno.Command(cmd, {
    args,
    cwd: options.cwd,
    stdin: "null",
    stdout: "piped",
    stderr: "piped",
  }).output();
  const dec = new TextDecoder();
  return { code: out.code, output: dec.decode(out.stdout) + dec.decode(out.stderr) };
}

/** Compiles `texPath` with pdflatex in its folder (nonstop, halt on error); the log on failure. */
export async function compileLatex(pdflatex: string, texPath: string): Promise<string> {
  const dir = texPath.slice(0, texPath.lastIndexOf("/")) || ".";
  const file = texPath.slice(texPath.lastIndexOf("/") + 1);
  const r = await runTool(pdflatex, ["-interaction=nonstopmode", "-halt-on-error", file], {
    cwd: dir,
  });
  if (r.code !== 0) {
    const errors = r.output.split("\n").filter((l) => l.startsWith("!")).slice(0, 5);
    throw new Error(
      `pdflatex ${file} exited ${r.code}: ${errors.join(" | ") || r.output.slice(-500)}`,
    );
  }
  return dir + "/" + file.replace(/\.tex$/, ".pdf");
}

/** `pdfinfo` of a PDF as key -> value (throws when pdfinfo fails, i.e. not a valid PDF). */
export async function pdfInfo(pdfinfo: string, pdf: string): Promise<Record<string, string>> {
  const r = await runTool(pdfinfo, [pdf]);
  if (r.code !== 0) throw new Error(`pdfinfo ${pdf} exited ${r.code}: ${r.output.trim()}`);
  const info: Record<string, string> = {};
  for (const line of r.output.split("\n")) {
    const at = line.indexOf(":");
    if (at > 0) info[line.slice(0, at).trim()] = line.slice(at + 1).trim();
  }
  return info;
}

/**
 * Declares a `Deno.test` named `name` that needs every one of `tools` (gated as
 * {@link toolGate} says: skipped outside CI when one is missing, failing in CI). `fn` gets the
 * found paths by tool name and a fresh temp folder (made with `tempDir`), removed afterwards.
 */
export function toolTest(
  name: string,
  tools: readonly Tool[],
  fn: (found: Record<string, string>, dir: string) => Promise<void>,
  tempDir: Deno.MakeTempOptions = { prefix: "geomad-tool-test-" },
): void {
  const gate = toolGate(name, tools);
  Deno.test({
    name: gate.name,
    ignore: gate.ignore,
    async fn() {
      const found = gate.require();
      const dir = await Deno.makeTempDir(tempDir);
      try {
        await fn(found, dir);
      } finally {
        await Deno.remove(dir, { recursive: true });
      }
    },
  });
}

/**
 * Checks with `pdfinfo` that `pdf` is a PDF of `pages` pages (and, when given, that its page
 * size starts with `pageSize`, e.g. "468 x 288 pts"); throws naming the file otherwise.
 * Returns pdfinfo's fields.
 */
export async function checkPdf(
  pdfinfo: string,
  pdf: string,
  expected: { pages: number; pageSize?: string },
): Promise<Record<string, string>> {
  const info = await pdfInfo(pdfinfo, pdf);
  const size = info["Page size"] ?? "";
  if (info.Pages !== String(expected.pages)) {
    throw new Error(`${pdf}: ${info.Pages} pages, expected ${expected.pages}`);
  }
  if (expected.pageSize !== undefined && !size.startsWith(expected.pageSize)) {
    throw new Error(`${pdf}: page size ${size}, expected ${expected.pageSize}`);
  }
  return info;
}
