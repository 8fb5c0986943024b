import { PGlite } from "@electric-sql/pglite";
import { PGLiteSocketServer } from "@electric-sql/pglite-socket";
import { sql } from "kysely";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { freePort } from "../../infra/local/backing-services.ts";
import { type PgWsBridge, startPgWsBridge } from "../../infra/local/pg-ws-bridge.ts";
import { migrateToLatest } from "../../scripts/lib/migrations.ts";
import { createDb } from "../../shared/adapters/neon-kysely-db.ts";

// The fallback path for machines without a Postgres server: embedded PGlite
// behind its socket server, reached by the Neon driver through the bridge.
let pglite: PGlite;
let server: PGLiteSocketServer;
let bridge: PgWsBridge;
let url: string;

beforeAll(async () => {
  pglite = await PGlite.create();
  const port = await freePort();
  server = new PGLiteSocketServer({ db: pglite, port, host: "127.0.0.1", maxConnections: 16 });
  await server.start();
  bridge = await startPgWsBridge({ target: { host: "127.0.0.1", port } });
  url = `postgres://postgres@127.0.0.1:${port}/postgres`;
});
afterAll(async () => {
  await bridge?.close();
  await server?.stop();
  await pglite?.close();
});

describe("Neon driver → WebSocket bridge → PGlite", () => {
  it("applies every migration, then finds nothing left to apply", async () => {
    const first = await migrateToLatest({ url, wsProxy: bridge.wsProxy });
    expect(first.applied).toContain("0001_initial_schema");
    const second = await migrateToLatest({ url, wsProxy: bridge.wsProxy });
    expect(second).toEqual({ applied: [], alreadyApplied: first.applied.length });
  });

  it("runs interactive transactions and rolls them back on error", async () => {
    const db = createDb({ url, wsProxy: bridge.wsProxy });
    try {
      await expect(
        db.transaction().execute(async (tx) => {
          await tx.insertInto("audit_log").values({ actor: "test", action: "rolled.back", subject_type: "t", subject_id: "1", details: "{}" }).execute();
          throw new Error("abort");
        }),
      ).rejects.toThrow("abort");
      const rows = await db.selectFrom("audit_log").selectAll().where("action", "=", "rolled.back").execute();
      expect(rows).toHaveLength(0);
    } finally {
      await db.destroy();
    }
  });

  it("keeps the audit log append-only", async () => {
    const db = createDb({ url, wsProxy: bridge.wsProxy });
    try {
      await db.insertInto("audit_log").values({ actor: "test", action: "kept", subject_type: "t", subject_id: "2", details: "{}" }).execute();
      await expect(db.updateTable("audit_log").set({ actor: "mallory" }).execute()).rejects.toThrow(/append-only/);
      await expect(db.deleteFrom("audit_log").execute()).rejects.toThrow(/append-only/);
      await expect(sql`truncate audit_log`.execute(db)).rejects.toThrow(/append-only/);
    } finally {
      await db.destroy();
    }
  });

  it("closes the TCP side when the driver disconnects", async () => {
    const db = createDb({ url, wsProxy: bridge.wsProxy });
    await sql`select 1`.execute(db);
    expect(bridge.openConnections()).toBeGreaterThan(0);
    await db.destroy();
    await expect.poll(() => bridge.openConnections(), { timeout: 2_000 }).toBe(0);
  });
});

describe("counting what passes the bridge", () => {
  it("counts each statement (simple or prepared) and each transaction, and nothing without countStatements", async () => {
    const counting = await startPgWsBridge({ target: { host: "127.0.0.1", port: Number(new URL(url).port) }, countStatements: true });
    const db = createDb({ url, wsProxy: counting.wsProxy });
    try {
      await db.selectFrom("audit_log").select("id").where("action", "=", "none").execute();
      counting.resetStatementCounts();
      await db.transaction().execute(async (tx) => {
        await tx.selectFrom("audit_log").select("id").where("action", "=", "a").execute();
        await sql`select 1`.execute(tx);
      });
      // BEGIN, two statements, COMMIT.
      expect(counting.statementCounts()).toEqual({ statements: 4, transactions: 1 });
      expect(bridge.statementCounts()).toEqual({ statements: 0, transactions: 0 });
    } finally {
      await db.destroy();
      await counting.close();
    }
  });
});
