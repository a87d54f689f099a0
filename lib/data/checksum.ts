/**
 * MD5 checksums of byte arrays and files (the official datasets publish MD5).
 * @module
 */
import { createHash } from "node:crypto";

/** Hex MD5 of `bytes`. */
export function md5Hex(bytes: Uint8Array): string {
  return createHash("md5").update(bytes).digest("hex");
}

/** An incremental MD5: feed chunks with `update`, read the hex digest with `digest`. */
export interface Md5Stream {
  update(chunk: Uint8Array): void;
  digest(): string;
}

/** Starts an incremental MD5. */
export function md5Stream(): Md5Stream {
  const h = createHash("md5");
  return {
    update: (chunk) => void h.update(chunk),
    digest: () => h.digest("hex"),
  };
}

/** Hex MD5 and size of the file at `path`, read in chunks (works for large archives). */
export async function md5File(path: string): Promise<{ md5: string; bytes: number }> {
  const h = md5Stream();
  let bytes = 0;
  const file = await Deno.open(path, { read: true });
  // Reading `readable` to the end (or cancelling it on error) closes the file.
  for await (const chunk of file.readable) {
    h.update(chunk);
    bytes += chunk.length;
  }
  return { md5: h.digest(), bytes };
}
