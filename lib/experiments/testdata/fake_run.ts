/**
 * A stand-in for experiments/run.ts in sweep tests: takes the same flags and copies the
 * prepared result `<out dir>/fixtures/<out name>` to `--out` atomically, in a fraction of a
 * second. Without a fixture it crashes (exit 3, no result); a fixture with status failed exits
 * 1 after writing it, as a diverging method does. A fixture `<out name>.progress` is written to
 * stderr first, a line every 200 ms, as a run's progress lines (not with `--quiet`); with it and
 * no result fixture, the run dies silently after them (exit 9), as a killed run.
 * @module
 */
import { basename, dirname, join } from "node:path";
import { writeTextAtomic } from "../../util/atomic.ts";
import { dieWithParent } from "../process_pool.ts";

dieWithParent();
const out = Deno.args[Deno.args.indexOf("--out") + 1]!;
const fixture = join(dirname(out), "fixtures", basename(out));
const progress = Deno.args.includes("--quiet")
  ? ""
  : await Deno.readTextFile(`${fixture}.progress`).catch(() => "");
for (const line of progress.split("\n").filter(Boolean)) {
  console.error(line);
  await new Promise((resolve) => setTimeout(resolve, 200));
}
let text: string;
try {
  text = await Deno.readTextFile(fixture);
} catch {
  if (progress) Deno.exit(9);
  console.error("fake_run: out of memory");
  Deno.exit(3);
}
await writeTextAtomic(out, text);
Deno.exit(JSON.parse(text).status === "failed" ? 1 : 0);
