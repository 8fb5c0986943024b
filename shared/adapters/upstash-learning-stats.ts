import type { Operation } from "../contracts/rca.ts";
import { Operation as OperationSchema } from "../contracts/rca.ts";
import type { ActionStats } from "../domain/learning.ts";
import type { LearningStats } from "../ports/learning.ts";
import { KEY_PREFIX } from "./upstash-alert-index.ts";
import type { Redis } from "./upstash-redis.ts";
import { trustKeys } from "./upstash-trust-counters.ts";

/** Learning state lives 90 days after its last outcome (seed 002 Phase G keeps 90 days). */
const LEARNING_TTL_SECONDS = 90 * 86_400;
const FAIL_STREAK_TTL_SECONDS = 7 * 86_400;

export const learningKeys = {
  /** Marks an execution's outcome as counted, so a retried result counts once. */
  applied: (executionId: string) => `${KEY_PREFIX}learned:${executionId}`,
  /** The operations a fingerprint has outcomes for. */
  operations: (fingerprint: string) => `${KEY_PREFIX}learn-ops:${fingerprint}`,
};

// Idempotent on the execution: the marker and the counts change together.
const RECORD_SCRIPT = `
if not redis.call('SET', KEYS[1], '1', 'NX', 'EX', ARGV[4]) then return 0 end
redis.call('HINCRBY', KEYS[2], 'samples', 1)
redis.call('HINCRBY', KEYS[2], 'successes', ARGV[2] == '1' and 1 or 0)
if ARGV[3] ~= '' then
  redis.call('HINCRBY', KEYS[2], 'duration_ms_total', ARGV[3])
  redis.call('HINCRBY', KEYS[2], 'timed_samples', 1)
end
redis.call('EXPIRE', KEYS[2], ARGV[4])
redis.call('SADD', KEYS[3], ARGV[1])
redis.call('EXPIRE', KEYS[3], ARGV[4])
if ARGV[2] == '1' then
  redis.call('DEL', KEYS[4])
else
  redis.call('INCR', KEYS[4])
  redis.call('EXPIRE', KEYS[4], ARGV[5])
end
return 1
`;

export function createUpstashLearningStats(redis: Redis): LearningStats {
  const recordScript = redis.createScript<number>(RECORD_SCRIPT);
  return {
    async record(outcome) {
      const applied = await recordScript.exec(
        [
          learningKeys.applied(outcome.executionId),
          trustKeys.learned(outcome.fingerprint, outcome.operation),
          learningKeys.operations(outcome.fingerprint),
          trustKeys.failStreak(outcome.fingerprint),
        ],
        [
          outcome.operation,
          outcome.success ? "1" : "0",
          outcome.durationMs === undefined ? "" : String(Math.round(outcome.durationMs)),
          String(LEARNING_TTL_SECONDS),
          String(FAIL_STREAK_TTL_SECONDS),
        ],
      );
      return Number(applied) === 1;
    },

    async stats(fingerprint) {
      const members = await redis.smembers(learningKeys.operations(fingerprint));
      const operations = members.flatMap((member): Operation[] => {
        const parsed = OperationSchema.safeParse(member);
        return parsed.success ? [parsed.data] : [];
      });
      if (operations.length === 0) return [];
      const pipeline = redis.pipeline();
      for (const operation of operations)
        pipeline.hmget(trustKeys.learned(fingerprint, operation), "samples", "successes", "duration_ms_total", "timed_samples");
      // Without automatic deserialisation HMGET answers the raw array, in field order.
      const rows = (await pipeline.exec()) as Array<Array<string | null> | null>;
      return operations.map((operation, i): ActionStats => {
        const [samples, successes, duration, timed] = (rows[i] ?? []).map((value) => Number(value ?? 0) || 0);
        return { operation, samples: samples ?? 0, successes: successes ?? 0, totalDurationMs: duration ?? 0, timedSamples: timed ?? 0 };
      });
    },
  };
}
