// The plumbing the protocol fakes share: a JSON HTTP server on a free loopback
// port that can hold requests open (to play a hanging peer) and close cleanly.
import { createServer, type IncomingMessage } from "node:http";
import type { AddressInfo } from "node:net";

export interface FakeExchange {
  readonly method: string;
  readonly path: string;
  readonly headers: IncomingMessage["headers"];
  readonly body: any;
  /** The body exactly as sent (for signature checks). */
  readonly rawBody: string;
  send(status: number, payload: unknown, headers?: Record<string, string>): void;
  /** A plain-text answer (Slack answers `ok`). */
  sendText(status: number, text: string, headers?: Record<string, string>): void;
  /** Never answers (until the client gives up or the server closes). */
  hang(): Promise<void>;
}

export async function startJsonServer(handle: (exchange: FakeExchange) => Promise<void> | void) {
  const hanging = new Set<() => void>();
  const server = createServer(async (req, res) => {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const text = Buffer.concat(chunks).toString("utf8");
    await handle({
      method: req.method ?? "GET",
      path: req.url ?? "/",
      headers: req.headers,
      body: text ? parseOrText(text) : undefined,
      rawBody: text,
      send: (status, payload, headers = {}) => {
        res.writeHead(status, { "Content-Type": "application/json", ...headers });
        res.end(JSON.stringify(payload));
      },
      sendText: (status, body, headers = {}) => {
        res.writeHead(status, { "Content-Type": "text/plain; charset=utf-8", ...headers });
        res.end(body);
      },
      hang: () =>
        new Promise<void>((resolve) => {
          hanging.add(resolve);
          req.on("close", resolve);
        }),
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    close: async () => {
      for (const release of hanging) release();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

function parseOrText(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}
