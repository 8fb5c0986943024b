import { sql } from "kysely";
import type { ReadinessCheck } from "../http/readiness.ts";
import { databaseConnectionOf, withDb } from "./neon-kysely-db.ts";
import type { StoreSettings } from "./readiness-probes.ts";

/** `select 1` over the function's own connection settings. */
export const postgresReady = (config: StoreSettings & { DATABASE_URL: string }): ReadinessCheck => {
  const connection = databaseConnectionOf(config);
  return { name: "postgres", probe: () => withDb(connection, (db) => sql`select 1`.execute(db)) };
};
