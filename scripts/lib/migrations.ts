// The one migration runner, used by `npm run migrate`, `npm run dev`, the test
// setup and deploy. Kysely's Migrator does the bookkeeping: name order, a lock
// so two runners cannot interleave, refusal when the recorded history does not
// match the files, and a result per migration.
import { readdir, readFile } from "node:fs/promises";
import { join } from "node:path";
import { type Migration, type MigrationProvider, Migrator, sql } from "kysely";
import { createDb, type DatabaseConnection } from "../../shared/adapters/neon-kysely-db.ts";

export const MIGRATIONS_DIR = join(import.meta.dirname, "..", "..", "migrations");

/** Each `NNNN_description.sql` file is one migration, applied in name order. */
export class SqlFileMigrationProvider implements MigrationProvider {
  readonly #dir: string;
  constructor(dir: string) {
    this.#dir = dir;
  }
  async getMigrations(): Promise<Record<string, Migration>> {
    const files = (await readdir(this.#dir)).filter((file) => /^\d{4}_[a-z0-9_]+\.sql$/.test(file)).sort();
    const migrations: Record<string, Migration> = {};
    for (const file of files) {
      const text = await readFile(join(this.#dir, file), "utf8");
      migrations[file.replace(/\.sql$/, "")] = { up: async (db) => void (await sql.raw(text).execute(db)) };
    }
    return migrations;
  }
}

export interface MigrationReport {
  readonly applied: readonly string[];
  readonly alreadyApplied: number;
}

export async function migrateToLatest(connection: DatabaseConnection, dir = MIGRATIONS_DIR): Promise<MigrationReport> {
  const db = createDb(connection);
  try {
    const migrator = new Migrator({ db, provider: new SqlFileMigrationProvider(dir) });
    const before = (await migrator.getMigrations()).filter((m) => m.executedAt !== undefined).length;
    const { error, results } = await migrator.migrateToLatest();
    const failed = results?.find((r) => r.status === "Error");
    if (error || failed) {
      throw new Error(`migration ${failed?.migrationName ?? ""} failed: ${error instanceof Error ? error.message : String(error)}`);
    }
    return { applied: (results ?? []).filter((r) => r.status === "Success").map((r) => r.migrationName), alreadyApplied: before };
  } finally {
    await db.destroy();
  }
}
