import { describe, expect, it } from "vitest";
import { request } from "./support.ts";

describe("the API description", () => {
  it("serves an OpenAPI 3 document of every route, request bodies from the contracts", async () => {
    const response = await request("https://awoooi.test/openapi.json");
    expect(response.status).toBe(200);
    const doc = (await response.json()) as { openapi: string; paths: Record<string, Record<string, any>>; servers: Array<{ url: string }> };
    expect(doc.openapi).toBe("3.0.3");
    expect(doc.servers[0]?.url).toBe("https://awoooi.test");
    for (const source of ["alertmanager", "grafana", "signoz", "sentry", "scanner", "alerts"]) {
      const op = doc.paths[`/api/v1/webhooks/${source}`]?.post;
      expect(op?.requestBody.content["application/json"].schema, source).toBeDefined();
      expect(Object.keys(op.responses)).toEqual(expect.arrayContaining(["202", "400", "401"]));
    }
    const alertmanager = doc.paths["/api/v1/webhooks/alertmanager"]!.post.requestBody.content["application/json"].schema;
    expect(alertmanager.required).toEqual(expect.arrayContaining(["alerts"]));
    expect(doc.paths["/api/v1/executions/{executionId}/result"]?.post.requestBody.content["application/json"].schema.properties.status.enum).toEqual([
      "succeeded",
      "failed",
    ]);
    expect(doc.paths["/api/v1/stats/autonomy"]?.get.security).toEqual([{ opsBearer: [] }]);
  });

  it("documents the JSON answer of every GET and POST under /api/v1/ as an object with its properties", async () => {
    const doc = (await (await request("https://awoooi.test/openapi.json")).json()) as { paths: Record<string, Record<string, any>> };
    const hasProperties = (schema: any): boolean =>
      schema !== undefined &&
      (Object.keys(schema.properties ?? {}).length > 0 || (schema.anyOf ?? schema.oneOf ?? []).some((member: any) => hasProperties(member)));
    const routes = Object.entries(doc.paths).filter(([path]) => path.startsWith("/api/v1/"));
    expect(routes.length).toBeGreaterThan(20);
    for (const [path, operations] of routes) {
      for (const method of ["get", "post"].filter((m) => operations[m])) {
        const ok = Object.entries(operations[method].responses as Record<string, any>).find(([status]) => status.startsWith("2"))?.[1];
        expect(hasProperties(ok?.content?.["application/json"]?.schema), `${method.toUpperCase()} ${path}`).toBe(true);
      }
    }
  });

  it("lists the same routes the app answers (no documented route 404s)", async () => {
    const doc = (await (await request("https://awoooi.test/openapi.json")).json()) as { paths: Record<string, unknown> };
    for (const path of Object.keys(doc.paths).filter((p) => p.startsWith("/api/v1/stats") || p === "/metrics" || p === "/docs")) {
      const response = await request(`https://awoooi.test${path}`);
      expect(response.status, path).not.toBe(404);
    }
  });

  it("renders a readable docs page without scripts", async () => {
    const response = await request("https://awoooi.test/docs");
    expect(response.status).toBe(200);
    const page = await response.text();
    expect(page).toContain("/api/v1/webhooks/alertmanager");
    expect(page).toContain('href="/openapi.json"');
    expect(page).not.toContain("<script");
  });
});

describe("no route without a description", () => {
  it("every route the five functions answer is in /openapi.json with a schema for each answer", async () => {
    const { createApp: webhookReceive } = await import("../../../functions/webhook-receive/src/app.ts");
    const { createApp: analyze } = await import("../../../functions/analyze/src/app.ts");
    const { createApp: notify } = await import("../../../functions/notify/src/app.ts");
    const { createApp: approve } = await import("../../../functions/approve/src/app.ts");
    const doc = (await (await request("https://awoooi.test/openapi.json")).json()) as { paths: Record<string, Record<string, any>> };
    const served = [webhookReceive(), analyze(), notify(), approve()]
      .flatMap((app) => app.routes)
      .filter((route) => route.method !== "ALL")
      .map((route) => `${route.method.toLowerCase()} ${route.path.replaceAll(/:(\w+)/g, "{$1}")}`);
    expect(served.length).toBeGreaterThan(30);
    const undescribed = [...new Set(served)].filter((route) => {
      const [method, path] = route.split(" ") as [string, string];
      const responses = doc.paths[path]?.[method]?.responses as Record<string, { content?: Record<string, { schema?: unknown }> }> | undefined;
      return !responses || Object.values(responses).some((answer) => !Object.values(answer.content ?? {}).some((media) => media.schema));
    });
    expect(undescribed).toEqual([]);
  });

  it("documents each webhook's real answer: truncated_alerts, not a field the handler never sends", async () => {
    const doc = (await (await request("https://awoooi.test/openapi.json")).json()) as { paths: Record<string, Record<string, any>> };
    const answer = doc.paths["/api/v1/webhooks/alertmanager"]!.post.responses["202"].content["application/json"].schema;
    expect(Object.keys(answer.properties).sort()).toEqual(["degraded", "results", "truncated_alerts"]);
  });
});
