/**
 * `deno task geom`: GEOM on one one-vs-rest split, writing one versioned JSON result; the
 * `run` command (experiments/run.ts) with the method fixed to geom.
 *
 *   deno task geom --dataset fashion-mnist --normal 0 [--preset smoke|quick|paper]
 *     [--transforms geometric72] [--score dirichlet,simple,...] [--seed N] [--backend B]
 *     [--out FILE] [--data-dir D] [--train-limit N] [--test-limit N] [--epochs N]
 *     [--model NAME] [--quiet] [--checkpoint-interval S] [--keep-checkpoint] [--keep-scores]
 *
 * Exit 0 with status ok, 1 with status failed (the result is still written, with the reason),
 * 2 for bad usage.
 * @module
 */
import { runCli } from "../lib/util/cli.ts";
import { runCommand } from "./run.ts";

if (import.meta.main) runCli("geom", () => runCommand(Deno.args, "geom"));
