#!/usr/bin/python3
"""Execute geomad notebooks headless on the Deno Jupyter kernel and type-check their code.

Usage (from the repository root; `deno task notebooks` runs this):

    /usr/bin/python3 scripts/run_notebooks.py [options] [NOTEBOOK_OR_FOLDER ...]

Without paths it runs every `notebooks/*.ipynb` in name order. For each notebook it:

1. type-checks the code cells: concatenates them (in order, with `// cell N` markers) into a
   temporary `.ts` module and runs `deno check --config <nearest deno.json>` on it; errors are
   mapped back to cell numbers;
2. executes the cells in a fresh Deno kernel started in the notebook's folder, with a kernelspec
   installed by `deno jupyter --install --force` into a temporary XDG_DATA_HOME (nothing global
   is touched). After a cell's `status: idle` it keeps reading IOPub until `--grace-ms` passes
   with no message, because the Deno kernel sometimes sends `execute_result` after idle; every
   message is filed under the cell that caused it (its parent msg_id), even when late.

A notebook fails on the first cell error (execution stops there), on a type error, and on a cell
that should have shown rich output but did not. The rule for "should have shown output": the
cell has the tag `expect-output`, or its code (comments removed) calls a display helper, i.e.
matches `show<Capital>...(` (showFigure, showImage, showMontage, showTable, ...) or
`Deno.jupyter.display(`; such a cell must produce at least one `display_data` or
`execute_result` output. Cells tagged `no-output-check` are exempt.

Committed notebooks are never written to; `--save DIR` writes executed copies to DIR.
Prints one line per notebook (ok/FAIL, cells, seconds) and a total line. Exit codes: 0 all
passed, 1 a notebook failed, 2 bad usage or missing tools.
"""

from __future__ import annotations

import argparse
import json
import os
import queue
import re
import shutil
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
DISPLAY_CALL = re.compile(r"\bshow[A-Z]\w*\s*\(|\bDeno\s*\.\s*jupyter\s*\.\s*display\s*\(")
RICH_OUTPUTS = ("display_data", "execute_result")


class UsageError(Exception):
    """Bad arguments or missing tools: exit code 2."""


@dataclass
class NotebookResult:
    path: Path
    cells: int = 0
    seconds: float = 0.0
    failures: list[str] = field(default_factory=list)


def one_line(text: str) -> str:
    """The first non-empty line of `text`, stripped of ANSI colour codes."""
    text = re.sub(r"\x1b\[[0-9;]*m", "", text)
    for line in text.splitlines():
        if line.strip():
            return line.strip()
    return ""


def rel(path: Path) -> str:
    try:
        return str(path.resolve().relative_to(Path.cwd().resolve()))
    except ValueError:
        return str(path)


def strip_comments(code: str) -> str:
    """Code without // line comments and /* */ block comments (rough: ignores strings)."""
    code = re.sub(r"/\*.*?\*/", "", code, flags=re.S)
    return "\n".join(re.sub(r"(^|\s)//.*$", "", line) for line in code.splitlines())


def cell_tags(cell: dict) -> list[str]:
    return list(cell.get("metadata", {}).get("tags", []))


def expects_output(cell: dict) -> bool:
    """True when the cell must produce rich output (see the module docstring for the rule)."""
    tags = cell_tags(cell)
    if "no-output-check" in tags:
        return False
    if "expect-output" in tags:
        return True
    return DISPLAY_CALL.search(strip_comments(cell_source(cell))) is not None


def cell_source(cell: dict) -> str:
    src = cell.get("source", "")
    return "".join(src) if isinstance(src, list) else str(src)


def code_cells(nb: dict) -> list[tuple[int, str]]:
    """(1-based cell number among all cells, source) for each non-empty code cell."""
    out = []
    for i, cell in enumerate(nb.get("cells", []), start=1):
        if cell.get("cell_type") == "code" and cell_source(cell).strip():
            out.append((i, cell_source(cell)))
    return out


def find_config(start: Path) -> Path | None:
    """The nearest deno.json / deno.jsonc at or above `start`."""
    for folder in [start, *start.parents]:
        for name in ("deno.json", "deno.jsonc"):
            if (folder / name).is_file():
                return folder / name
    return None


# ---------------------------------------------------------------------------- type checking


def extract_module(nb: dict) -> tuple[str, list[tuple[int, int]]]:
    """The code cells as one TS module, and (first line, cell number) for each cell's code."""
    lines: list[str] = []
    starts: list[tuple[int, int]] = []
    for number, src in code_cells(nb):
        lines.append(f"// cell {number}")
        starts.append((len(lines) + 1, number))
        lines.extend(src.splitlines())
    lines.append("export {};")
    return "\n".join(lines) + "\n", starts


def cell_for_line(starts: list[tuple[int, int]], line: int) -> tuple[int, int]:
    """(cell number, line within the cell) for a 1-based line of the extracted module."""
    found = (0, line)
    for first, number in starts:
        if line >= first:
            found = (number, line - first + 1)
    return found


def type_check(path: Path, nb: dict, deno: str, tmp: Path) -> list[str]:
    """Runs `deno check` on the notebook's code cells; returns one-line failures."""
    if not code_cells(nb):
        return []
    module, starts = extract_module(nb)
    ts = tmp / f"{path.stem}.check.ts"
    ts.write_text(module)
    cmd = [deno, "check", "--quiet"]
    config = find_config(path.resolve().parent)
    if config is not None:
        cmd += ["--config", str(config)]
    cmd.append(str(ts))
    env = dict(os.environ, NO_COLOR="1")
    proc = subprocess.run(cmd, capture_output=True, text=True, env=env, cwd=path.resolve().parent)
    if proc.returncode == 0:
        return []
    text = proc.stderr + proc.stdout
    failures = []
    # Diagnostics look like: "TS2304 [ERROR]: Cannot find name 'x'.\n    at file:///...ts:3:1"
    pattern = re.compile(r"(TS\d+ \[ERROR\]: .*?)\n(?:.*\n)*?\s+at file://" + re.escape(str(ts)) + r":(\d+):(\d+)")
    for m in pattern.finditer(text):
        number, line = cell_for_line(starts, int(m.group(2)))
        code, _, message = one_line(m.group(1)).partition(" [ERROR]: ")
        failures.append(f"cell {number} line {line}: type error {code}: {message}")
    if not failures:
        failures.append(f"type check failed: {one_line(text) or f'deno check exit {proc.returncode}'}")
    return failures


# ------------------------------------------------------------------------------- execution


def install_kernelspec(deno: str, data_home: Path) -> Path:
    """Installs the Deno kernelspec under `data_home`; returns its kernels folder."""
    env = dict(os.environ, XDG_DATA_HOME=str(data_home), NO_COLOR="1")
    proc = subprocess.run([deno, "jupyter", "--install", "--force"], capture_output=True, text=True, env=env)
    kernels = data_home / "jupyter" / "kernels"
    if proc.returncode != 0 or not (kernels / "deno" / "kernel.json").is_file():
        raise UsageError(f"Cannot install the Deno kernelspec: {one_line(proc.stderr + proc.stdout) or 'kernel.json missing'}")
    return kernels


class CellRunner:
    """Executes cells on one kernel, filing every IOPub message under its parent cell."""

    def __init__(self, client, grace_s: float):
        self.kc = client
        self.grace_s = grace_s
        self.outputs: dict[str, list] = {}
        self.idle: set[str] = set()

    def _file(self, msg) -> None:
        import nbformat

        parent = msg.get("parent_header", {}).get("msg_id")
        if parent not in self.outputs:
            return
        kind = msg["msg_type"]
        content = msg["content"]
        if kind == "status":
            if content.get("execution_state") == "idle":
                self.idle.add(parent)
            return
        if kind == "clear_output":
            self.outputs[parent].clear()
            return
        if kind == "stream":
            outs = self.outputs[parent]
            if outs and outs[-1].get("output_type") == "stream" and outs[-1].get("name") == content.get("name"):
                outs[-1]["text"] += content.get("text", "")
                return
        if kind in ("display_data", "execute_result"):
            # The Deno kernel omits `data` when a value displays as nothing.
            content.setdefault("data", {})
            content.setdefault("metadata", {})
        if kind in ("stream", "display_data", "execute_result", "error"):
            self.outputs[parent].append(nbformat.v4.output_from_msg(msg))

    def _pump(self, timeout: float) -> bool:
        """Reads one IOPub message (waiting up to `timeout`); False when none came."""
        try:
            msg = self.kc.get_iopub_msg(timeout=max(timeout, 0.0))
        except queue.Empty:
            return False
        self._file(msg)
        return True

    def execute(self, code: str, timeout_s: float) -> tuple[str, dict]:
        """Runs `code`; returns (msg_id, execute_reply content). Raises TimeoutError."""
        msg_id = self.kc.execute(code, store_history=True, allow_stdin=False, stop_on_error=True)
        self.outputs[msg_id] = []
        deadline = time.monotonic() + timeout_s
        reply = None
        while reply is None:
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise TimeoutError(f"no reply within {timeout_s:g} s")
            try:
                msg = self.kc.get_shell_msg(timeout=min(remaining, 0.05))
            except queue.Empty:
                self._pump(0)
                continue
            if msg.get("parent_header", {}).get("msg_id") == msg_id:
                reply = msg["content"]
        while msg_id not in self.idle:
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise TimeoutError(f"no idle status within {timeout_s:g} s")
            self._pump(min(remaining, 0.5))
        self.drain()
        return msg_id, reply

    def drain(self, limit_s: float = 10.0) -> None:
        """Keeps reading until `grace_s` passes without any IOPub message (at most `limit_s`)."""
        stop = time.monotonic() + limit_s
        while time.monotonic() < stop and self._pump(self.grace_s):
            pass


def is_rich(output: dict) -> bool:
    """A display_data / execute_result output with some data (an empty bundle shows nothing)."""
    return output.get("output_type") in RICH_OUTPUTS and bool(output.get("data"))


def error_line(outputs: list, reply: dict) -> str:
    for out in outputs:
        if out.get("output_type") == "error":
            return f"{out.get('ename', 'Error')}: {one_line(out.get('evalue', ''))}"
    return f"{reply.get('ename', 'Error')}: {one_line(reply.get('evalue', ''))}"


def execute_notebook(path: Path, nb: dict, kernels: Path, args, log: Path) -> list[str]:
    """Executes `nb` in a fresh kernel, filling in outputs; returns one-line failures.
    The kernel's stderr goes to `log`."""
    from jupyter_client.kernelspec import KernelSpecManager
    from jupyter_client.manager import KernelManager

    ksm = KernelSpecManager(kernel_dirs=[str(kernels)], ensure_native_kernel=False)
    km = KernelManager(kernel_name="deno", kernel_spec_manager=ksm)
    with open(log, "wb") as stderr:
        km.start_kernel(cwd=str(path.resolve().parent), env=dict(os.environ, NO_COLOR="1"), stderr=stderr)
    kc = km.client()
    kc.start_channels()
    failures: list[str] = []
    try:
        kc.wait_for_ready(timeout=args.startup_timeout)
        runner = CellRunner(kc, args.grace_ms / 1000)
        ran: list[tuple[int, dict, str]] = []
        for number, cell in enumerate(nb["cells"], start=1):
            if cell.get("cell_type") != "code":
                continue
            cell["outputs"] = []
            cell["execution_count"] = None
            if not cell_source(cell).strip():
                continue
            try:
                msg_id, reply = runner.execute(cell_source(cell), args.cell_timeout)
            except TimeoutError as err:
                failures.append(f"cell {number}: timeout: {err}")
                break
            ran.append((number, cell, msg_id))
            cell["execution_count"] = reply.get("execution_count")
            if reply.get("status") != "ok" or any(o.get("output_type") == "error" for o in runner.outputs[msg_id]):
                cell["outputs"] = runner.outputs[msg_id]
                failures.append(f"cell {number}: {error_line(runner.outputs[msg_id], reply)}")
                break
        runner.drain()
        for number, cell, msg_id in ran:
            cell["outputs"] = runner.outputs[msg_id]
        if not failures:
            for number, cell, msg_id in ran:
                if expects_output(cell) and not any(is_rich(o) for o in cell["outputs"]):
                    failures.append(f"cell {number}: expected display output, got none")
    finally:
        kc.stop_channels()
        km.shutdown_kernel(now=True)
    return failures


def save_copy(nb: dict, folder: Path, name: str) -> None:
    """Writes the executed notebook to folder/name atomically."""
    import nbformat

    folder.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=folder, prefix=f".{name}.", suffix=".tmp")
    with os.fdopen(fd, "w", encoding="utf-8") as f:
        nbformat.write(nbformat.from_dict(nb), f)
    os.replace(tmp, folder / name)


# ------------------------------------------------------------------------------------ main


def collect(paths: list[str]) -> list[Path]:
    if not paths:
        paths = [str(REPO / "notebooks")]
    found: list[Path] = []
    for p in map(Path, paths):
        if p.is_dir():
            found.extend(sorted(q for q in p.glob("*.ipynb") if not q.name.startswith(".")))
        elif p.is_file() and p.suffix == ".ipynb":
            found.append(p)
        else:
            raise UsageError(f"Cannot run notebooks: '{p}' is not a notebook or folder")
    if not found:
        raise UsageError(f"Cannot run notebooks: none found in {', '.join(paths)}")
    return found


def parse(argv: list[str]):
    ap = argparse.ArgumentParser(prog="run_notebooks", description=__doc__.split("\n")[0])
    ap.add_argument("paths", nargs="*", help="notebooks or folders (default: notebooks/)")
    ap.add_argument("--deno", default=os.environ.get("DENO") or shutil.which("deno"), help="deno executable")
    ap.add_argument("--save", metavar="DIR", help="write executed copies to DIR")
    ap.add_argument("--no-check", action="store_true", help="skip type-checking the code cells")
    ap.add_argument("--check-only", action="store_true", help="only type-check, do not execute")
    ap.add_argument("--grace-ms", type=float, default=50.0, help="read this long after idle (default 50)")
    ap.add_argument("--cell-timeout", type=float, default=300.0, help="seconds per cell (default 300)")
    ap.add_argument("--startup-timeout", type=float, default=60.0, help="seconds for kernel start")

    def error(message: str):
        raise UsageError(message)

    ap.error = error  # type: ignore[method-assign]
    args = ap.parse_args(argv)
    if not args.deno:
        raise UsageError("Cannot find deno: not on PATH (pass --deno)")
    if args.no_check and args.check_only:
        raise UsageError("--no-check and --check-only exclude each other")
    return args


def main(argv: list[str]) -> int:
    try:
        args = parse(argv)
        notebooks = collect(args.paths)
        if not args.check_only:
            try:
                import jupyter_client  # noqa: F401
                import nbformat  # noqa: F401
            except ImportError as err:
                raise UsageError(
                    f"Cannot execute notebooks: {err} (apt-get install --no-install-recommends python3-nbclient jupyter-client; use /usr/bin/python3)"
                )
    except UsageError as err:
        print(f"run_notebooks: error: {err}", file=sys.stderr)
        return 2
    results: list[NotebookResult] = []
    total_start = time.monotonic()
    with tempfile.TemporaryDirectory(prefix="geomad-nb-") as tmp_name:
        tmp = Path(tmp_name)
        try:
            kernels = None if args.check_only else install_kernelspec(args.deno, tmp / "data")
        except UsageError as err:
            print(f"run_notebooks: error: {err}", file=sys.stderr)
            return 2
        for path in notebooks:
            result = NotebookResult(path)
            start = time.monotonic()
            try:
                nb = json.loads(path.read_text(encoding="utf-8"))
            except (OSError, ValueError) as err:
                result.failures.append(f"cannot read notebook: {one_line(str(err))}")
                results.append(result)
                continue
            result.cells = sum(1 for _ in code_cells(nb))
            if not args.no_check:
                result.failures += type_check(path, nb, args.deno, tmp)
            if kernels is not None and not result.failures:
                log = tmp / f"{path.stem}.kernel.log"
                try:
                    result.failures += execute_notebook(path, nb, kernels, args, log)
                except Exception as err:  # kernel start or channel failure
                    result.failures.append(f"kernel failed: {type(err).__name__}: {one_line(str(err))}")
                kernel_trouble = any("kernel failed" in f or "timeout" in f for f in result.failures)
                if kernel_trouble and log.is_file():
                    lines = [ln for ln in log.read_text(errors="replace").splitlines() if ln.strip() and "unstable" not in ln]
                    if lines:
                        result.failures.append(f"kernel stderr: {one_line(lines[-1])}")
                if args.save:
                    save_copy(nb, Path(args.save), path.name)
            result.seconds = time.monotonic() - start
            results.append(result)
            status = "ok  " if not result.failures else "FAIL"
            print(f"{status} {rel(path)}  {result.cells} code cells  {result.seconds:.1f} s", flush=True)
            for failure in result.failures:
                print(f"  {rel(path)}: {failure}", flush=True)
    total = time.monotonic() - total_start
    failed = [r for r in results if r.failures]
    mode = "checked" if args.check_only else "ran"
    print(f"total: {mode} {len(results)} notebooks in {total:.1f} s, {len(failed)} failed", flush=True)
    for r in failed:
        print(f"run_notebooks: error: {rel(r.path)}: {r.failures[0]}", file=sys.stderr)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
