// Real Redis and Postgres for local dev and tests, reached exactly as in
// production: Redis through an Upstash-REST-compatible endpoint, Postgres
// through a WebSocket bridge for the Neon driver.
//
// Redis:    REDIS_URL if set, else a server on 127.0.0.1:6379, else a
//           `redis-server` from PATH started on a free port.
// Postgres: DATABASE_URL if set, else a server on 127.0.0.1:5432, else embedded
//           PGlite (real Postgres compiled to WASM) behind its socket server.
import { type ChildProcess, spawn, spawnSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import { connect, createServer } from "node:net";
import { sql } from "kysely";
import { migrateToLatest } from "../../scripts/lib/migrations.ts";
import { withDb } from "../../shared/adapters/neon-kysely-db.ts";
import { startPgWsBridge } from "./pg-ws-bridge.ts";
import { startRedisRestServer } from "./redis-rest-server.ts";

export interface BackingServicesOptions {
  /**
   * `dev` resets its Redis database and the `awoooi_dev` Postgres database on
   * every start (local queues do not survive a restart, so older state would
   * point at messages that no longer exist); `test` uses a throwaway database
   * dropped on stop.
   */
  readonly purpose: "dev" | "test";
  /** Redis logical database; flushed on start. Default: 1 for dev, 2 for tests. */
  readonly redisDb?: number;
  /** Fixed ports (dev); 0 or unset picks free ones. */
  readonly restPort?: number;
  readonly bridgePort?: number;
  /** Count the statements and transactions the functions run (`npm run bench`). */
  readonly countStatements?: boolean;
  readonly log?: (line: string) => void;
}

export interface BackingServices {
  readonly redis: { readonly restUrl: string; readonly restToken: string; readonly redisUrl: string; readonly db: number; readonly origin: string };
  readonly postgres: {
    readonly url: string;
    readonly wsProxy: string;
    readonly poolMax: number;
    readonly origin: string;
    /** The TCP address behind the bridge (tests start their own fault-injecting bridges to it). */
    readonly target: { readonly host: string; readonly port: number };
    /** Statements and transactions run through the bridge since the last reset (zeros unless `countStatements`). */
    statementCounts(): { statements: number; transactions: number };
    resetStatementCounts(): void;
  };
  /** Variables every function needs to reach these services. */
  readonly env: Readonly<Record<string, string>>;
  stop(): Promise<void>;
}

const REDIS_DB = { dev: 1, test: 2 } as const;

export class MissingServiceError extends Error {}

export async function startBackingServices(options: BackingServicesOptions): Promise<BackingServices> {
  const log = options.log ?? (() => {});
  const stops: Array<() => Promise<void>> = [];
  const stop = async () => {
    for (const fn of stops.reverse()) await fn().catch(() => {});
  };
  try {
    const redisTarget = await findRedis(stops);
    const restToken = options.purpose === "dev" ? "dev-redis-token" : randomBytes(16).toString("hex");
    const redisDb = options.redisDb ?? REDIS_DB[options.purpose];
    // Every run starts clean: local queues do not survive a restart, so older keys would point at lost messages.
    const rest = await startRedisRestServer({ redisUrl: redisTarget.url, token: restToken, db: redisDb, port: options.restPort ?? 0, flush: true });
    stops.push(() => rest.close());
    log(`redis     ${redisTarget.origin} (db ${redisDb}) via Upstash REST ${rest.url}`);

    const pg = await findPostgres(options, stops);
    const bridge = await startPgWsBridge({ target: pg.target, port: options.bridgePort ?? 0, countStatements: options.countStatements === true });
    stops.push(() => bridge.close());
    const connection = { url: pg.url, wsProxy: bridge.wsProxy, poolMax: pg.poolMax };
    if (pg.createDatabase) await administer(pg.adminUrl, bridge.wsProxy, [dropStatement(pg.createDatabase), `create database "${pg.createDatabase}"`]);
    const report = await migrateToLatest(connection);
    log(`postgres  ${pg.origin} via WebSocket bridge ws://${bridge.wsProxy} (migrations: ${report.applied.length} applied, ${report.alreadyApplied} already)`);

    const env = {
      UPSTASH_REDIS_REST_URL: rest.url,
      UPSTASH_REDIS_REST_TOKEN: restToken,
      DATABASE_URL: pg.url,
      NEON_WS_PROXY: bridge.wsProxy,
      DB_POOL_MAX: String(pg.poolMax),
    };
    return {
      redis: { restUrl: rest.url, restToken, redisUrl: redisTarget.url, db: redisDb, origin: redisTarget.origin },
      postgres: {
        url: pg.url,
        wsProxy: bridge.wsProxy,
        poolMax: pg.poolMax,
        origin: pg.origin,
        target: pg.target,
        statementCounts: bridge.statementCounts,
        resetStatementCounts: bridge.resetStatementCounts,
      },
      env,
      stop: async () => {
        if (pg.dropDatabase) await pg.dropDatabase(bridge.wsProxy).catch(() => {});
        await stop();
      },
    };
  } catch (error) {
    await stop();
    throw error;
  }
}

async function findRedis(stops: Array<() => Promise<void>>): Promise<{ url: string; origin: string }> {
  if (process.env.REDIS_URL) return { url: process.env.REDIS_URL, origin: "REDIS_URL" };
  if (await canConnect("127.0.0.1", 6379)) return { url: "redis://127.0.0.1:6379", origin: "redis-server on 127.0.0.1:6379" };
  if (spawnSync("redis-server", ["--version"], { stdio: "ignore" }).status !== 0) {
    throw new MissingServiceError(
      "Redis is not running on 127.0.0.1:6379 and redis-server is not installed: install Redis (apt-get install redis-server / brew install redis) or set REDIS_URL.",
    );
  }
  const port = await freePort();
  const child: ChildProcess = spawn("redis-server", ["--port", String(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"], { stdio: "ignore" });
  stops.push(async () => {
    child.kill("SIGTERM");
  });
  for (let i = 0; i < 100 && !(await canConnect("127.0.0.1", port)); i++) await sleep(50);
  return { url: `redis://127.0.0.1:${port}`, origin: `redis-server started on 127.0.0.1:${port}` };
}

interface PostgresTarget {
  readonly url: string;
  readonly adminUrl: string;
  readonly target: { host: string; port: number };
  readonly poolMax: number;
  readonly origin: string;
  readonly createDatabase?: string;
  readonly dropDatabase?: (wsProxy: string) => Promise<void>;
}

async function findPostgres(options: BackingServicesOptions, stops: Array<() => Promise<void>>): Promise<PostgresTarget> {
  if (process.env.DATABASE_URL) {
    const url = new URL(process.env.DATABASE_URL);
    return {
      url: url.toString(),
      adminUrl: url.toString(),
      target: { host: url.hostname, port: Number(url.port || 5432) },
      poolMax: 5,
      origin: "DATABASE_URL",
    };
  }
  if (await canConnect("127.0.0.1", 5432)) {
    const user = process.env.PGUSER ?? "postgres";
    const name = options.purpose === "dev" ? "awoooi_dev" : `awoooi_test_${process.pid}_${randomBytes(3).toString("hex")}`;
    const base = `postgres://${encodeURIComponent(user)}@127.0.0.1:5432`;
    return {
      url: `${base}/${name}`,
      adminUrl: `${base}/postgres`,
      target: { host: "127.0.0.1", port: 5432 },
      poolMax: 5,
      origin: `postgres on 127.0.0.1:5432, database ${name}`,
      createDatabase: name,
      ...(options.purpose === "test" ? { dropDatabase: (wsProxy: string) => administer(`${base}/postgres`, wsProxy, [dropStatement(name)]) } : {}),
    };
  }
  const { PGlite } = await import("@electric-sql/pglite");
  const { PGLiteSocketServer } = await import("@electric-sql/pglite-socket");
  const db = await PGlite.create();
  const port = await freePort();
  const server = new PGLiteSocketServer({ db, port, host: "127.0.0.1", maxConnections: 64 });
  await server.start();
  stops.push(async () => {
    await server.stop();
    await db.close();
  });
  const url = `postgres://postgres@127.0.0.1:${port}/postgres`;
  return { url, adminUrl: url, target: { host: "127.0.0.1", port }, poolMax: 1, origin: `embedded PGlite (in memory) on 127.0.0.1:${port}` };
}

/** Runs administrative statements (create/drop database) on the server's maintenance database. */
async function administer(adminUrl: string, wsProxy: string, statements: readonly string[]): Promise<void> {
  await withDb({ url: adminUrl, wsProxy }, async (admin) => {
    for (const statement of statements) await sql.raw(statement).execute(admin);
  });
}

const dropStatement = (name: string) => `drop database if exists "${name}" with (force)`;

export function canConnect(host: string, port: number, timeoutMs = 300): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host, port });
    const done = (ok: boolean) => {
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(timeoutMs, () => done(false));
    socket.once("connect", () => done(true));
    socket.once("error", () => done(false));
  });
}

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      server.close(() => (typeof address === "object" && address ? resolve(address.port) : reject(new Error("no port"))));
    });
  });
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
