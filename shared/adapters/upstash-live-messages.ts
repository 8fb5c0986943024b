import * as z from "zod/v4";
import type { LiveMessage, LiveMessageLog } from "../ports/live-messages.ts";
import { KEY_PREFIX } from "./upstash-alert-index.ts";
import type { Redis } from "./upstash-redis.ts";

/** Messages stay editable for as long as an incident can plausibly still move. */
const LIVE_TTL_SECONDS = 14 * 86_400;

const keyOf = (incidentId: string) => `${KEY_PREFIX}live:${incidentId}`;

const Stored = z.object({
  channel: z.enum(["telegram", "slack-app"]),
  recipient: z.string().min(1),
  chat: z.string().min(1),
  messageId: z.string().min(1),
  origin: z.string().min(1),
  approver: z.string().optional(),
});

/** One Redis hash per incident, a field per (channel, recipient). */
export function createUpstashLiveMessages(redis: Redis): LiveMessageLog {
  return {
    async remember(incidentId, message) {
      const key = keyOf(incidentId);
      const pipeline = redis.pipeline();
      pipeline.hsetnx(key, `${message.channel}:${message.recipient}`, JSON.stringify(message));
      pipeline.expire(key, LIVE_TTL_SECONDS);
      await pipeline.exec();
    },
    async list(incidentId) {
      const fields = (await redis.hgetall<Record<string, unknown>>(keyOf(incidentId))) ?? {};
      return Object.values(fields).flatMap((value): LiveMessage[] => {
        // The client parses JSON values itself; a string is one it could not.
        const parsed = Stored.safeParse(typeof value === "string" ? safeJson(value) : value);
        return parsed.success ? [parsed.data] : [];
      });
    },
  };
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}
