import { routeFor } from "../../shared/http/routes.ts";

type Env = GatewayBindings;

/**
 * Local all-in-one entry: one base URL for the five functions, routed by path
 * through service bindings exactly as production routes split one domain.
 */
export default {
  async fetch(request, env) {
    const { pathname } = new URL(request.url);
    if (pathname === "/" || pathname === "/health") {
      const checks = await Promise.all(
        (["WEBHOOK_RECEIVE", "ANALYZE", "CLASSIFY", "NOTIFY", "APPROVE"] as const).map(async (name) => {
          const response = await env[name].fetch("http://internal/health").catch(() => undefined);
          return [name.toLowerCase().replace("_", "-"), response?.ok ?? false] as const;
        }),
      );
      return Response.json({ service: "awoooi-edge (local gateway)", functions: Object.fromEntries(checks) });
    }
    if (pathname === "/ready") {
      // Every function's own readiness; the first that is not ready is named.
      const results = await Promise.all(
        (["WEBHOOK_RECEIVE", "ANALYZE", "CLASSIFY", "NOTIFY", "APPROVE"] as const).map(async (name) => {
          const response = await env[name]
            .fetch("http://internal/ready")
            .catch((error: unknown) => Response.json({ ok: false, failed: String(error) }, { status: 503 }));
          return [name.toLowerCase().replace("_", "-"), (await response.json()) as { ok: boolean; failed?: string; error?: { message: string } }] as const;
        }),
      );
      const failed = results.find(([, body]) => !body.ok);
      return Response.json(
        {
          service: "awoooi-edge (local gateway)",
          ok: !failed,
          ...(failed ? { failed: `${failed[0]}: ${failed[1].failed}`, error: failed[1].error } : {}),
          functions: Object.fromEntries(results),
        },
        { status: failed ? 503 : 200 },
      );
    }
    if (pathname === "/__dev/cron" && request.method === "POST") {
      // What the functions' cron triggers do in production, run on demand (scripts/lib/stack.ts calls it every minute).
      const scheduledTime = Date.now();
      const cron = (binding: unknown) => binding as { run(scheduledTime: number): Promise<unknown> };
      const [approve, webhookReceive] = await Promise.allSettled([
        cron(env.APPROVE_CRON).run(scheduledTime),
        cron(env.WEBHOOK_RECEIVE_CRON).run(scheduledTime),
      ]);
      const report = (result: PromiseSettledResult<unknown>) => (result.status === "fulfilled" ? (result.value ?? "ok") : { error: String(result.reason) });
      return Response.json({ approve: report(approve), "webhook-receive": report(webhookReceive) });
    }
    const target = routeFor(pathname);
    if (!target) {
      return Response.json({ error: { code: "not_found", message: `no function serves ${pathname}`, requestId: crypto.randomUUID() } }, { status: 404 });
    }
    return env[target].fetch(request);
  },
} satisfies ExportedHandler<Env>;
