import assert from "node:assert/strict";
import { DataError } from "../util/errors.ts";
import { md5Hex } from "./checksum.ts";
import { downloadFile, downloadFirst } from "./download.ts";
import { randomBytes } from "./testdata/fixtures.ts";
import { closedPort, serveFiles } from "./testdata/server.ts";

const DATA = randomBytes(300_000, 11);
const MD5 = md5Hex(DATA);

async function ls(dir: string): Promise<string[]> {
  const out: string[] = [];
  for await (const e of Deno.readDir(dir)) out.push(e.name);
  return out.sort();
}

function isOneLineDataError(re: RegExp) {
  return (e: unknown) => e instanceof DataError && re.test(e.message) && !e.message.includes("\n");
}

Deno.test("downloadFile() saves a verified file with progress and no temporary file", async () => {
  const srv = serveFiles({ "fashion-mnist/a.gz": DATA });
  const dir = await Deno.makeTempDir();
  const lines: string[] = [];
  const got = await downloadFile(`${srv.base}/fashion-mnist/a.gz`, `${dir}/sub/a.gz`, {
    md5: MD5,
    progress: { write: (l) => lines.push(l), intervalMs: 0 },
  });
  assert.deepEqual([got.bytes, got.md5], [DATA.length, MD5]);
  assert.deepEqual(await Deno.readFile(`${dir}/sub/a.gz`), DATA);
  assert.deepEqual(await ls(`${dir}/sub`), ["a.gz"]);
  assert.match(lines.at(-1)!, /a\.gz \[#{20}\] 100% 292\/293 .*KiB\/s/);
  await srv.close();
  await Deno.remove(dir, { recursive: true });
});

Deno.test("downloadFile() with a wrong checksum leaves nothing in the cache", async () => {
  const srv = serveFiles({ "a.gz": DATA });
  const dir = await Deno.makeTempDir();
  await assert.rejects(
    () => downloadFile(`${srv.base}/a.gz`, `${dir}/a.gz`, { md5: "0".repeat(32), quiet: true }),
    isOneLineDataError(
      new RegExp(
        `^Cannot download ${srv.base}/a\\.gz: checksum mismatch: md5 ${MD5}, expected 0{32}; nothing was saved$`,
      ),
    ),
  );
  assert.deepEqual(await ls(dir), []);
  await srv.close();
  await Deno.remove(dir, { recursive: true });
});

Deno.test("downloadFile() on an interrupted transfer leaves no file under the final name", async () => {
  const srv = serveFiles({ "a.gz": DATA });
  const dir = await Deno.makeTempDir();
  await Deno.writeTextFile(`${dir}/a.gz`, "previous");
  await assert.rejects(
    () => downloadFile(`${srv.base}/truncated/a.gz`, `${dir}/a.gz`, { md5: MD5, quiet: true }),
    isOneLineDataError(
      /^Cannot download http:\/\/127\.0\.0\.1:\d+\/truncated\/a\.gz: (transfer interrupted after \d+ bytes|truncated transfer)/,
    ),
  );
  assert.deepEqual(await ls(dir), ["a.gz"]);
  assert.equal(await Deno.readTextFile(`${dir}/a.gz`), "previous");
  await srv.close();
  await Deno.remove(dir, { recursive: true });
});

Deno.test("downloadFile() reports 404 and connection refused on one line", async () => {
  const srv = serveFiles({});
  const dir = await Deno.makeTempDir();
  await assert.rejects(
    () => downloadFile(`${srv.base}/missing.gz`, `${dir}/m.gz`, { quiet: true }),
    isOneLineDataError(
      /^Cannot download http:\/\/127\.0\.0\.1:\d+\/missing\.gz: HTTP 404 Not Found$/,
    ),
  );
  const port = closedPort();
  await assert.rejects(
    () => downloadFile(`http://127.0.0.1:${port}/x.gz`, `${dir}/x.gz`, { quiet: true }),
    isOneLineDataError(
      new RegExp(`^Cannot download http://127\\.0\\.0\\.1:${port}/x\\.gz: connection refused$`),
    ),
  );
  assert.deepEqual(await ls(dir), []);
  await srv.close();
  await Deno.remove(dir, { recursive: true });
});

Deno.test("downloadFile() gives up on a server that stays silent", async () => {
  const srv = serveFiles({});
  const dir = await Deno.makeTempDir();
  await assert.rejects(
    () =>
      downloadFile(`${srv.base}/stall/a.gz`, `${dir}/a.gz`, { quiet: true, idleTimeoutMs: 300 }),
    isOneLineDataError(
      /^Cannot download http:\/\/127\.0\.0\.1:\d+\/stall\/a\.gz: no data for 0\.3 s$/,
    ),
  );
  assert.deepEqual(await ls(dir), []);
  await srv.close();
  await Deno.remove(dir, { recursive: true });
});

Deno.test("downloadFirst() falls back to the next mirror and lists every failure", async () => {
  const srv = serveFiles({ "two/a.gz": DATA });
  const dir = await Deno.makeTempDir();
  await downloadFirst([`${srv.base}/one/a.gz`, `${srv.base}/two/a.gz`], `${dir}/a.gz`, {
    md5: MD5,
    quiet: true,
  });
  assert.deepEqual(srv.requests, ["one/a.gz", "two/a.gz"]);
  assert.deepEqual(await Deno.readFile(`${dir}/a.gz`), DATA);
  await assert.rejects(
    () => downloadFirst([`${srv.base}/one/b`, `${srv.base}/two/b`], `${dir}/b`, { quiet: true }),
    isOneLineDataError(/one\/b: HTTP 404 Not Found; Cannot download .*two\/b: HTTP 404 Not Found$/),
  );
  await srv.close();
  await Deno.remove(dir, { recursive: true });
});
