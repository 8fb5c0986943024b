import { SMOKE_STAGES, type SmokeStamps } from "../domain/smoke.ts";
import type { SmokeLedger } from "../ports/smoke-ledger.ts";
import { KEY_PREFIX } from "./upstash-alert-index.ts";
import type { Redis } from "./upstash-redis.ts";

const RUN_TTL_SECONDS = 86_400;
const runKey = (runId: string) => `${KEY_PREFIX}smoke:${runId}`;
const LATEST_KEY = `${KEY_PREFIX}smoke:latest`;

// First stamp wins, and the run expires a day after it began.
const STAMP_SCRIPT = `
redis.call('HSETNX', KEYS[1], ARGV[1], ARGV[2])
redis.call('EXPIRE', KEYS[1], ARGV[3])
return 1
`;

export function createUpstashSmokeLedger(redis: Redis, log: (error: unknown) => void = () => {}): SmokeLedger {
  const stampScript = redis.createScript<number>(STAMP_SCRIPT);
  return {
    async stamp(runId, stage, atMs) {
      await stampScript.exec([runKey(runId)], [stage, String(atMs), String(RUN_TTL_SECONDS)]).catch(log);
    },
    async read(runId) {
      const values = (await redis.hmget(runKey(runId), ...SMOKE_STAGES)) as unknown as Array<string | null> | null;
      if (!values || values.every((v) => v === null)) return undefined;
      const stamps: Record<string, number> = {};
      SMOKE_STAGES.forEach((stage, i) => {
        if (values[i] !== null && values[i] !== undefined) stamps[stage] = Number(values[i]);
      });
      return stamps as SmokeStamps;
    },
    async latest() {
      return (await redis.get<string>(LATEST_KEY)) ?? undefined;
    },
    async setLatest(runId) {
      await redis.set(LATEST_KEY, runId, { ex: RUN_TTL_SECONDS });
    },
    async claimVerdict(runId) {
      return (await redis.set(`${runKey(runId)}:verdict`, "1", { nx: true, ex: RUN_TTL_SECONDS })) === "OK";
    },
  };
}
