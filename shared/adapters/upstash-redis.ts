import { Redis } from "@upstash/redis/cloudflare";

export interface RedisConnection {
  readonly url: string;
  readonly token: string;
}

/**
 * The one way functions build a Redis client. JSON is (de)serialised by our own
 * code, not guessed by the client, and telemetry is off.
 */
export function createRedis(connection: RedisConnection): Redis {
  return new Redis({
    url: connection.url,
    token: connection.token,
    automaticDeserialization: false,
    enableTelemetry: false,
    // Each use case issues its commands deliberately (one script per ingest request),
    // so what a request costs is what the code says; implicit batching would blur that.
    enableAutoPipelining: false,
    // Every value we store is UTF-8 text (JSON, ids, counters), so replies need no base64 round:
    // decoding them was a measurable share of each request's CPU (npm run bench).
    responseEncoding: false,
    // A hot-path call that cannot reach Redis should fail fast, not retry for seconds.
    retry: { retries: 1, backoff: () => 50 },
  });
}

export type { Redis };
