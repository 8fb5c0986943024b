import * as z from "zod/v4";
import { Priority } from "./alert.ts";

const Count = z.number().int().min(0);
const Title = z.string().max(300);

/** One incident as the digest names it. */
const DigestIncident = z.object({ incident_id: z.uuid(), title: Title, priority: Priority, status: z.string().max(20) });

/**
 * The daily digest (seed 003 "99 % silent", issue #18): what the last 24 h
 * held, computed by approve from Postgres and Redis, delivered by notify to
 * the team chat, Slack and e-mail.
 */
export const Digest = z.object({
  /** The UTC day the digest is for (the day its window ends in). */
  day: z.iso.date(),
  from: z.iso.datetime({ offset: true }),
  to: z.iso.datetime({ offset: true }),
  incidents: z.object({
    total: Count,
    by_priority: z.record(Priority, Count),
    by_source: z.record(z.string().max(40), Count),
  }),
  /** Fixes that ran by themselves, and how they went. */
  automatic: z.object({ runs: Count, succeeded: Count, failed: Count, dry_runs: Count }),
  /** Approvals still waiting for people, oldest first. */
  pending: z.array(DigestIncident.extend({ approval_id: z.uuid(), waiting_minutes: Count })).max(20),
  pending_total: Count,
  /** Incidents kept out of the live chats (QUIET_PRIORITIES), newest first. */
  quiet: z.array(DigestIncident).max(20),
  quiet_total: Count,
  noisiest: z.array(z.object({ fingerprint: z.string().max(16), title: Title, hits: Count })).max(5),
  /** Automatic ÷ all settlements × 100 over the window; null when nothing was settled. */
  autonomy_index: z.number().min(0).max(100).nullable(),
  /** Mean time to resolve the incidents resolved in the window, seconds; null when none was. */
  mttr_seconds: Count.nullable(),
});
export type Digest = z.infer<typeof Digest>;
