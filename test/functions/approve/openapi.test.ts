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
