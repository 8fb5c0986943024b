import type { AddressInfo } from "node:net";
import { serve } from "@hono/node-server";

/** Serves `fetch` on 127.0.0.1 at a free port: the dev stack's and the tests' in-process Node services. */
export async function serveOnLoopback(fetch: (request: Request) => Response | Promise<Response>): Promise<{ url: string; close: () => Promise<void> }> {
  const server = await new Promise<ReturnType<typeof serve>>((resolve) => {
    const s = serve({ fetch, port: 0, hostname: "127.0.0.1" }, () => resolve(s));
  });
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
