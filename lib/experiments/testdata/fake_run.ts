/**
 * A stand-in for experiments/run.ts in sweep tests: takes the same flags and copies the
 * prepared result `<out dir>/fixtures/<out name>` to `--out` atomically, in a fraction of a
 * second. Without a fixture it crashes (exit 3, no result); a fixture with status failed exits
 * 1 after writing it, as a diverging method does. A fixture `<out name>.progress` is written to
 * stderr first, a line every 200 ms, as a run's progress lines.
 * @module
 */
import { basename, dirname, join } from "node:path";
import { writeTextAtomic } from "../../util/atomic.ts";
import { dieWithParent } from "../process_pool.ts";

dieWithParent();
const out = Deno.args[Deno.args.indexOf("--out") + 1]!;
let text: string;
try {
  text = await Deno.readTextFile(join(dirname(out), "fixtures", basename(out)));
} catch {
  console.error("fake_run: out of memory");
  Deno.exit(3);
}
const progress = await Deno.readTextFile(
  join(dirname(out), "fixtures", basename(out) + ".progress"),
)
  .catch(() => "");
for (const line of progress.split("\n").filter(Boolean)) {
  console.error(line);
  await new Promise((resolve) => setTimeout(resolve, 200));
}
await writeTextAtomic(out, text);
Deno.exit(JSON.parse(text).status === "failed" ? 1 : 0);
