import type { TrustCountersSource } from "../ports/trust-counters.ts";
import { UNKNOWN_COUNTERS } from "../ports/trust-counters.ts";
import { KEY_PREFIX } from "./upstash-alert-index.ts";
import type { Redis } from "./upstash-redis.ts";

/**
 * Key layout (written by execution results and learning):
 * - `repairs:<hour>` — automatic repairs started in that UTC hour (counted over the last two hours, prorated)
 * - `failstreak:<fingerprint>` — consecutive failed repairs of the fingerprint
 * - `learn:<fingerprint>:<operation>` — hash `successes`, `samples`
 */
export const trustKeys = {
  repairs: (hour: number) => `${KEY_PREFIX}repairs:${hour}`,
  failStreak: (fingerprint: string) => `${KEY_PREFIX}failstreak:${fingerprint}`,
  learned: (fingerprint: string, operation: string) => `${KEY_PREFIX}learn:${fingerprint}:${operation}`,
  reservation: (incidentId: string) => `${KEY_PREFIX}repair-reserved:${incidentId}`,
};

// Check and take in one script: the budget is the sliding hour of READ_SCRIPT.
const RESERVE_SCRIPT = `
if redis.call('EXISTS', KEYS[3]) == 1 then return 1 end
local used = tonumber(redis.call('GET', KEYS[1]) or '0') + math.ceil(tonumber(redis.call('GET', KEYS[2]) or '0') * tonumber(ARGV[2]))
if used >= tonumber(ARGV[1]) then return 0 end
redis.call('INCR', KEYS[1])
redis.call('EXPIRE', KEYS[1], ARGV[3])
redis.call('SET', KEYS[3], '1', 'EX', ARGV[3])
return 1
`;

// One round trip for everything the decision needs.
const READ_SCRIPT = `
return {
  redis.call('GET', KEYS[1]) or '0',
  redis.call('GET', KEYS[2]) or '0',
  redis.call('GET', KEYS[3]) or '0',
  redis.call('HGET', KEYS[4], 'successes') or '',
  redis.call('HGET', KEYS[4], 'samples') or ''
}
`;

export function createUpstashTrustCounters(redis: Redis, log: (error: unknown) => void = () => {}): TrustCountersSource {
  const script = redis.createScript<[string, string, string, string, string]>(READ_SCRIPT);
  const reserve = redis.createScript<number>(RESERVE_SCRIPT);
  return {
    async read(fingerprint, operation, nowMs) {
      const hour = Math.floor(nowMs / 3_600_000);
      try {
        const [current, previous, streak, successes, samples] = await script.exec(
          [trustKeys.repairs(hour), trustKeys.repairs(hour - 1), trustKeys.failStreak(fingerprint), trustKeys.learned(fingerprint, operation)],
          [],
        );
        // A sliding hour from two fixed buckets: all of this hour plus the unexpired share of the last.
        const share = 1 - (nowMs % 3_600_000) / 3_600_000;
        return {
          repairsLastHour: Number(current) + Math.ceil(Number(previous) * share),
          consecutiveFailures: Number(streak),
          learned: samples === "" ? undefined : { successes: Number(successes || 0), samples: Number(samples) },
        };
      } catch (error) {
        log(error);
        return UNKNOWN_COUNTERS;
      }
    },

    async reserveAutomaticRepair(incidentId, nowMs, limit) {
      const hour = Math.floor(nowMs / 3_600_000);
      const share = 1 - (nowMs % 3_600_000) / 3_600_000;
      try {
        // The reader looks one hour back: buckets and reservations must outlive that.
        const taken = await reserve.exec(
          [trustKeys.repairs(hour), trustKeys.repairs(hour - 1), trustKeys.reservation(incidentId)],
          [String(limit), share.toFixed(6), String(3 * 3_600)],
        );
        return Number(taken) === 1;
      } catch (error) {
        log(error);
        return false;
      }
    },
  };
}
