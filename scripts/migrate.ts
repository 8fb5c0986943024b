// `npm run migrate`: applies migrations/ to DATABASE_URL through the Neon
// driver — the Neon connection string in production, or a plain Postgres with
// NEON_WS_PROXY pointing at a WebSocket bridge. `npm run dev` and the tests
// call the same runner on their own databases.
import { migrateToLatest } from "./lib/migrations.ts";

const url = process.env.DATABASE_URL;
if (!url) {
  console.error(
    "DATABASE_URL is not set: export the Neon connection string (postgres://…) and run again. Local dev migrates its own database on `npm run dev`.",
  );
  process.exit(2);
}
try {
  const report = await migrateToLatest({ url, wsProxy: process.env.NEON_WS_PROXY || undefined });
  for (const name of report.applied) console.log(`applied   ${name}`);
  console.log(`migrations up to date (${report.applied.length} applied now, ${report.alreadyApplied} before)`);
} catch (error) {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
}
