// Receives the relay's callbacks as analyze would, recording them; can refuse the first N.
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";

export interface CallbackCatcher {
  readonly url: string;
  readonly received: Array<{ headers: Record<string, string | string[] | undefined>; body: string }>;
  /** Answers 500 to this many requests before accepting. */
  failNext(count: number): void;
  attempts(): number;
  close(): Promise<void>;
}

export async function startCallbackCatcher(): Promise<CallbackCatcher> {
  const received: CallbackCatcher["received"] = [];
  let failures = 0;
  let attempts = 0;
  const server = createServer(async (req, res) => {
    // Lets tests running inside workerd read what arrived: GET ?job_id=… returns the matching callbacks.
    if (req.method === "GET") {
      const jobId = new URL(req.url ?? "/", "http://local").searchParams.get("job_id");
      const matching = received.filter((r) => !jobId || JSON.parse(r.body).job_id === jobId);
      res.writeHead(200, { "Content-Type": "application/json" }).end(JSON.stringify(matching));
      return;
    }
    attempts += 1;
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    if (failures > 0) {
      failures -= 1;
      res.writeHead(500).end("try later");
      return;
    }
    received.push({ headers: req.headers, body: Buffer.concat(chunks).toString("utf8") });
    res.writeHead(200, { "Content-Type": "application/json" }).end('{"status":"used"}');
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/api/v1/analyze/callback`,
    received,
    failNext: (count) => {
      failures = count;
    },
    attempts: () => attempts,
    close: async () => {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
