/**
 * A tiny HTTP server on 127.0.0.1 (port 0) serving in-memory files, for downloader tests.
 * `/<path>` serves the file; `/truncated/<path>` announces the full Content-Length but closes
 * the connection after half the bytes; anything else is 404.
 * @module
 */

/** A running test server. */
export interface TestServer {
  /** Base URL without a trailing slash, e.g. http://127.0.0.1:41234 */
  base: string;
  /** Paths requested so far. */
  requests: string[];
  close(): Promise<void>;
}

/** Starts a server for `files` (path without leading slash -> bytes). */
export function serveFiles(files: Record<string, Uint8Array>): TestServer {
  const requests: string[] = [];
  const ac = new AbortController();
  const server = Deno.serve(
    { hostname: "127.0.0.1", port: 0, signal: ac.signal, onListen() {} },
    async (req) => {
      const path = decodeURIComponent(new URL(req.url).pathname).slice(1);
      requests.push(path);
      if (path.startsWith("stall/")) {
        await new Promise((resolve) => req.signal.addEventListener("abort", resolve));
        return new Response(null, { status: 499 });
      }
      const truncated = path.startsWith("truncated/");
      const data = files[truncated ? path.slice("truncated/".length) : path];
      if (!data) return new Response("not found", { status: 404, statusText: "Not Found" });
      if (!truncated) return new Response(data.slice());
      let sent = false;
      const body = new ReadableStream<Uint8Array>({
        pull(c) {
          if (sent) return c.close();
          sent = true;
          c.enqueue(data.subarray(0, data.length >> 1));
        },
      });
      return new Response(body, { headers: { "content-length": String(data.length) } });
    },
  );
  return {
    base: `http://127.0.0.1:${server.addr.port}`,
    requests,
    close: async () => {
      ac.abort();
      await server.finished;
    },
  };
}

/** A 127.0.0.1 port with nothing listening (connections are refused). */
export function closedPort(): number {
  const l = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const port = (l.addr as Deno.NetAddr).port;
  l.close();
  return port;
}
