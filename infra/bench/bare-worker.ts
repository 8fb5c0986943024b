// The comparison point for `npm run bench`: a bare Hono Worker that does
// exactly one Redis call and one queue send per request — no auth, no
// validation, no normalization — so the bench can print what the real
// webhook path costs on top of the minimum any such Worker pays.
import { Redis } from "@upstash/redis/cloudflare";
import { Hono } from "hono";

interface Env {
  readonly UPSTASH_REDIS_REST_URL: string;
  readonly UPSTASH_REDIS_REST_TOKEN: string;
  readonly QUEUE: Queue;
}

const app = new Hono<{ Bindings: Env }>();

app.post("/ingest", async (c) => {
  const body = await c.req.text();
  const redis = new Redis({
    url: c.env.UPSTASH_REDIS_REST_URL,
    token: c.env.UPSTASH_REDIS_REST_TOKEN,
    enableTelemetry: false,
    automaticDeserialization: false,
    // The same client settings as the functions' (shared/adapters/upstash-redis.ts), so the baseline is not handicapped.
    responseEncoding: false,
  });
  await redis.incr("bench:bare");
  await c.env.QUEUE.send({ size: body.length });
  return c.json({ ok: true }, 202);
});

export default {
  fetch: app.fetch,
} satisfies ExportedHandler<Env>;
