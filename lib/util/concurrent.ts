/**
 * A bounded pool of async workers over a list: `fn` runs on items `from`.. in order, at most
 * `jobs` at once; the first failure stops new items from starting and is rethrown once the running
 * ones have settled.
 * @module
 */

/** Runs `fn(items[i], i)` for i from `from` (default 0), `jobs` at a time; see the module doc. */
export async function forEachConcurrent<T>(
  items: readonly T[],
  jobs: number,
  fn: (item: T, index: number) => Promise<void>,
  from = 0,
): Promise<void> {
  let next = from;
  let failed: { err: unknown } | undefined;
  const worker = async () => {
    while (failed === undefined && next < items.length) {
      const i = next++;
      try {
        await fn(items[i]!, i);
      } catch (err) {
        failed ??= { err };
        return;
      }
    }
  };
  const n = Math.max(1, Math.min(jobs, items.length - from));
  await Promise.all(Array.from({ length: n }, worker));
  if (failed !== undefined) throw failed.err;
}
