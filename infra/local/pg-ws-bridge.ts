// WebSocket-to-TCP bridge so the Neon serverless driver can reach a plain
// Postgres (or PGlite's socket server) in dev and tests — Neon's documented
// local route (`neonConfig.wsProxy`). Each WebSocket carries one Postgres
// connection's raw bytes. The target is fixed by configuration: the driver's
// `?address=` hint is ignored, so the bridge cannot be used to reach other hosts.
import type { AddressInfo } from "node:net";
import { connect } from "node:net";
import { WebSocketServer } from "ws";

export interface PgWsBridgeOptions {
  readonly target: { readonly host: string; readonly port: number };
  readonly host?: string;
  /** 0 (default) picks a free port. */
  readonly port?: number;
  /**
   * Fault injection for tests: cut the connection instead of forwarding every
   * Nth COMMIT, so the transaction dies mid-way exactly as when Postgres goes
   * down (the server rolls it back; the client sees the connection drop).
   */
  readonly dropEveryNthCommit?: number;
  /** Count the statements and transactions clients run (`npm run bench`); off by default, it parses every message. */
  readonly countStatements?: boolean;
}

export interface PgWsBridge {
  /** Value for `neonConfig.wsProxy` / the NEON_WS_PROXY variable: host:port/v2, no protocol. */
  readonly wsProxy: string;
  readonly port: number;
  /** Connections currently open (for tests). */
  openConnections(): number;
  /** Statements (simple queries and executions of prepared ones) and transactions (BEGIN) since the last reset; zeros unless `countStatements`. */
  statementCounts(): { statements: number; transactions: number };
  resetStatementCounts(): void;
  close(): Promise<void>;
}

/** Frontend Terminate: 'X' followed by the int32 length 4. */
const TERMINATE = Buffer.from([0x58, 0, 0, 0, 4]);

function endsWithTerminate(chunk: Buffer): boolean {
  return chunk.length >= TERMINATE.length && chunk.subarray(chunk.length - TERMINATE.length).equals(TERMINATE);
}

export async function startPgWsBridge(options: PgWsBridgeOptions): Promise<PgWsBridge> {
  const host = options.host ?? "127.0.0.1";
  const server = new WebSocketServer({ host, port: options.port ?? 0, perMessageDeflate: false });
  let open = 0;
  let commits = 0;
  const counts = { statements: 0, transactions: 0 };

  server.on("connection", (ws) => {
    open += 1;
    const socket = connect(options.target.port, options.target.host);
    socket.setNoDelay(true);
    const pending: Buffer[] = [];
    let connected = false;
    const observe = options.countStatements ? statementObserver(counts) : undefined;

    socket.on("connect", () => {
      connected = true;
      for (const chunk of pending) socket.write(chunk);
      pending.length = 0;
    });
    socket.on("data", (chunk) => {
      if (ws.readyState === ws.OPEN) ws.send(chunk, { binary: true });
    });
    socket.on("close", () => ws.terminate());
    socket.on("error", () => ws.terminate());

    ws.on("message", (data: Buffer | ArrayBuffer | Buffer[]) => {
      const chunk = Buffer.isBuffer(data) ? data : Array.isArray(data) ? Buffer.concat(data) : Buffer.from(data);
      if (options.dropEveryNthCommit && /\bcommit\b/i.test(chunk.toString("latin1"))) {
        commits += 1;
        if (commits % options.dropEveryNthCommit === 0) {
          ws.terminate();
          socket.destroy();
          return;
        }
      }
      observe?.(chunk);
      if (connected) socket.write(chunk);
      else pending.push(chunk);
      // A Postgres server closes the connection after the client's Terminate
      // message; PGlite's socket server does not, so the bridge does it.
      if (endsWithTerminate(chunk)) socket.end();
    });
    ws.on("close", () => {
      open -= 1;
      socket.destroy();
    });
    ws.on("error", () => socket.destroy());
  });

  await new Promise<void>((resolve, reject) => {
    server.once("listening", resolve);
    server.once("error", reject);
  });
  const { port } = server.address() as AddressInfo;

  return {
    wsProxy: `${host}:${port}/v2`,
    port,
    openConnections: () => open,
    statementCounts: () => ({ ...counts }),
    resetStatementCounts: () => {
      counts.statements = 0;
      counts.transactions = 0;
    },
    close: async () => {
      for (const client of server.clients) client.terminate();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

const SSL_REQUEST = 80_877_103;
const BEGIN = /^\s*(begin|start\s+transaction)\b/i;

/**
 * Reads a client's side of the Postgres protocol as it passes: the startup
 * packet (no type byte), then typed messages. A simple query ('Q') or an
 * execution of a prepared statement ('E') is one statement; a BEGIN opens a
 * transaction. Messages may span chunks, so unread bytes are kept.
 */
function statementObserver(counts: { statements: number; transactions: number }): (chunk: Buffer) => void {
  let unread: Buffer = Buffer.alloc(0);
  let started = false;
  return (chunk) => {
    unread = unread.length === 0 ? chunk : Buffer.concat([unread, chunk]);
    for (;;) {
      if (!started) {
        if (unread.length < 8) return;
        const length = unread.readInt32BE(0);
        if (unread.length < length) return;
        started = unread.readInt32BE(4) !== SSL_REQUEST;
        unread = unread.subarray(length);
        continue;
      }
      if (unread.length < 5) return;
      const length = unread.readInt32BE(1);
      if (unread.length < 1 + length) return;
      const type = String.fromCharCode(unread[0]!);
      if (type === "Q" || type === "E") counts.statements += 1;
      if (type === "Q" && BEGIN.test(unread.toString("utf8", 5, Math.min(1 + length, 64)))) counts.transactions += 1;
      if (type === "P") {
        const nameEnd = unread.indexOf(0, 5);
        if (nameEnd > 0 && BEGIN.test(unread.toString("utf8", nameEnd + 1, Math.min(1 + length, nameEnd + 64)))) counts.transactions += 1;
      }
      unread = unread.subarray(1 + length);
    }
  };
}
