import type { Digest } from "../../../shared/contracts/digest.ts";
import { digestReady } from "../../../shared/contracts/envelopes.ts";
import { digestDue, digestOf } from "../../../shared/domain/digest.ts";
import type { ApproveServices } from "./services.ts";

const DAY_MS = 86_400_000;
/** Hit counts are read for the newest incidents only: the noisiest list needs the big ones, not every one of a storm day. */
const HIT_LOOKUPS = 200;

/** The last 24 h up to `at`, from Postgres (what happened) and Redis (how often it fired). */
export async function composeDigest(services: ApproveServices, at: Date): Promise<Digest> {
  const from = new Date(at.getTime() - DAY_MS);
  const [incidents, automaticRuns, pending, settlements, resolutions] = await Promise.all([
    services.digest.incidents(from, at),
    services.digest.automaticRuns(from, at),
    services.digest.pending(at),
    services.stats.settlements(from, at),
    services.stats.resolutions(from, at),
  ]);
  const hits = new Map<string, number>();
  const recent = incidents.slice(0, HIT_LOOKUPS);
  for (let i = 0; i < recent.length; i += 20) {
    await Promise.all(
      recent.slice(i, i + 20).map(async ({ id }) => {
        // Without Redis the digest still goes out, counting each incident once.
        const counters = await services.alertIndex.counters(id).catch(() => undefined);
        if (counters) hits.set(id, counters.hitCount);
      }),
    );
  }
  return digestOf({ from, to: at, incidents, hits, automaticRuns, pending, settlements, resolutions, quietPriorities: services.quietPriorities });
}

/** Composes the digest and hands it to notify under `id` (its idempotency key). */
export async function sendDigest(services: ApproveServices, at: Date, id: string, correlationId: string): Promise<Digest> {
  const digest = await composeDigest(services, at);
  await services.publishDigest(digestReady(digest, { id, at, correlationId }));
  return digest;
}

/**
 * The cron's part: once the UTC clock passes DIGEST_AT, the day's digest goes
 * out once — the day is claimed first, and released if the hand-off fails so
 * the next tick tries again. A stack that starts after DIGEST_AT sends the
 * day's digest at its first tick.
 */
export async function sendDigestIfDue(services: ApproveServices, now: Date): Promise<boolean> {
  if (!services.digestAt) return false;
  const day = digestDue(now, services.digestAt);
  if (!day || !(await services.digestDays.claim(day))) return false;
  try {
    await sendDigest(services, now, `digest:${day}`, `digest:${day}`);
    return true;
  } catch (error) {
    await services.digestDays.release(day).catch(() => {});
    throw error;
  }
}
