// An Upstash-REST-compatible endpoint in front of a real redis-server, for local
// dev and tests (PROTOCOLS.md §8): single commands at `/`, `/pipeline`,
// `/multi-exec`, bearer or `?_token=` auth, and base64 response encoding when
// the client asks for it with `Upstash-Encoding: base64`. It also counts
// requests and commands, so tests and benchmarks can check what a function costs.
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { Redis } from "ioredis";

export interface RedisRestServerOptions {
  /** redis:// URL of the real server. */
  readonly redisUrl: string;
  readonly token: string;
  /** Redis logical database to SELECT. Default 0. */
  readonly db?: number;
  readonly host?: string;
  /** 0 (default) picks a free port. */
  readonly port?: number;
  /** FLUSHDB the selected database before serving (dev starts from a clean slate). */
  readonly flush?: boolean;
  /** Fault injection for tests: answer every request this many ms late (a slow Redis). */
  readonly delayMs?: number;
}

export interface RedisRestStats {
  /** HTTP requests answered (one per REST round trip). */
  readonly requests: number;
  /** Redis commands executed on behalf of those requests. */
  readonly commands: number;
  /** Command names in order of execution (most recent 10,000). */
  readonly commandNames: readonly string[];
}

export interface RedisRestServer {
  readonly url: string;
  readonly port: number;
  stats(): RedisRestStats;
  resetStats(): void;
  close(): Promise<void>;
}

type Arg = string | number | boolean;
type Reply = null | number | string | Buffer | Error | Reply[];
type Encoded = null | number | string | Encoded[];

const MAX_BODY_BYTES = 64 * 1024 * 1024;

export async function startRedisRestServer(options: RedisRestServerOptions): Promise<RedisRestServer> {
  const redis = new Redis(options.redisUrl, { db: options.db ?? 0, maxRetriesPerRequest: 1, lazyConnect: true });
  await redis.connect();
  if (options.flush) await redis.flushdb();

  let requests = 0;
  let commands = 0;
  let commandNames: string[] = [];
  const count = (names: string[]) => {
    requests += 1;
    commands += names.length;
    commandNames.push(...names);
    // Trimmed in chunks, not per request: a copy of 10,000 names on every command would cost more than the command.
    if (commandNames.length > 20_000) commandNames = commandNames.slice(-10_000);
  };

  const server = createServer(async (req, res) => {
    if (options.delayMs) await new Promise((resolve) => setTimeout(resolve, options.delayMs));
    handle(req, res).catch((error: unknown) => send(res, 500, { error: `ERR proxy failure: ${String(error)}` }));
  });

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? "/", "http://local");
    if (url.pathname === "/_awoooi/stats") {
      if (req.method === "DELETE") {
        requests = 0;
        commands = 0;
        commandNames = [];
      }
      return send(res, 200, { requests, commands, commandNames });
    }
    if (req.method !== "POST") return send(res, 405, { error: "ERR method not allowed" });
    const auth = req.headers.authorization ?? "";
    const token = auth.startsWith("Bearer ") ? auth.slice(7) : url.searchParams.get("_token");
    if (token !== options.token) return send(res, 401, { error: "Unauthorized" });

    let body: unknown;
    try {
      body = JSON.parse(await readBody(req));
    } catch {
      return send(res, 400, { error: "ERR failed to parse request body as JSON" });
    }
    const base64 = String(req.headers["upstash-encoding"] ?? "").toLowerCase() === "base64";
    const encode = (reply: Reply): Encoded => encodeReply(reply, base64);

    if (url.pathname === "/" || url.pathname === "") {
      const command = asCommand(body);
      if (!command) return send(res, 400, { error: "ERR request body must be a non-empty array of strings, numbers or booleans" });
      count([command[0]!.toUpperCase()]);
      try {
        return send(res, 200, { result: encode((await redis.callBuffer(command[0]!, ...command.slice(1))) as Reply) });
      } catch (error) {
        return send(res, 400, { error: errorText(error) });
      }
    }

    if (url.pathname === "/pipeline" || url.pathname === "/multi-exec") {
      const list = Array.isArray(body) ? body.map(asCommand) : undefined;
      if (!list || list.length === 0 || list.some((c) => c === undefined)) {
        return send(res, 400, { error: "ERR request body must be a non-empty array of commands" });
      }
      const batch = list as string[][];
      count(batch.map((c) => c[0]!.toUpperCase()));
      if (url.pathname === "/pipeline") {
        const results = await Promise.all(
          batch.map(async ([name, ...args]) => {
            try {
              return { result: encode((await redis.callBuffer(name!, ...args)) as Reply) };
            } catch (error) {
              return { error: errorText(error) };
            }
          }),
        );
        return send(res, 200, results);
      }
      const tx = redis.multi();
      for (const [name, ...args] of batch) tx.callBuffer(name!, ...args);
      try {
        const results = await tx.exec();
        if (!results) return send(res, 400, { error: "ERR transaction discarded" });
        return send(
          res,
          200,
          results.map(([error, reply]) => (error ? { error: errorText(error) } : { result: encode(reply as Reply) })),
        );
      } catch (error) {
        return send(res, 400, { error: errorText(error) });
      }
    }
    return send(res, 404, { error: `ERR unknown endpoint ${url.pathname}` });
  }

  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(options.port ?? 0, options.host ?? "127.0.0.1", resolve);
  });
  const { port } = server.address() as AddressInfo;

  return {
    url: `http://${options.host ?? "127.0.0.1"}:${port}`,
    port,
    stats: () => ({ requests, commands, commandNames: [...commandNames] }),
    resetStats: () => {
      requests = 0;
      commands = 0;
      commandNames = [];
    },
    close: async () => {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      redis.disconnect();
    },
  };
}

function asCommand(value: unknown): string[] | undefined {
  if (!Array.isArray(value) || value.length === 0) return undefined;
  if (!value.every((item): item is Arg => typeof item === "string" || typeof item === "number" || typeof item === "boolean")) return undefined;
  return value.map(String);
}

/** Upstash's rule: with base64 encoding every string is encoded except the literal "OK". */
function encodeReply(reply: Reply, base64: boolean): Encoded {
  if (reply === null || reply === undefined) return null;
  if (typeof reply === "number") return reply;
  if (Array.isArray(reply)) return reply.map((item) => encodeReply(item, base64));
  if (reply instanceof Error) return reply.message;
  // ioredis turns HGETALL replies into objects; Upstash (like Redis) answers a flat [field, value, …] array.
  if (typeof reply === "object" && !Buffer.isBuffer(reply)) {
    return Object.entries(reply as Record<string, Reply>).flatMap(([field, value]) => [encodeReply(Buffer.from(field), base64), encodeReply(value, base64)]);
  }
  const buffer = Buffer.isBuffer(reply) ? reply : Buffer.from(reply);
  if (!base64) return buffer.toString("utf8");
  return buffer.length === 2 && buffer.toString("latin1") === "OK" ? "OK" : buffer.toString("base64");
}

function errorText(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  return message.startsWith("ERR") || /^[A-Z]+ /.test(message) ? message : `ERR ${message}`;
}

async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > MAX_BODY_BYTES) throw new Error("body too large");
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks).toString("utf8");
}

function send(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { "Content-Type": "application/json", "Content-Length": Buffer.byteLength(text) });
  res.end(text);
}
