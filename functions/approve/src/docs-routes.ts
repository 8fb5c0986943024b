import type { Hono } from "hono";
import { html } from "hono/html";
import { openApiDocument } from "../../../shared/http/openapi.ts";
import { configOf } from "./env.ts";
import type { ApproveEnv } from "./services.ts";

/** The API description (public: it holds no secrets) and a readable page of it, with no scripts or CDNs. */
export function mountDocsRoutes(app: Hono<ApproveEnv>): void {
  app.get("/openapi.json", (c) => c.json(openApiDocument(configOf(c.env).PUBLIC_BASE_URL), 200, { "Cache-Control": "public, max-age=300" }));

  app.get("/docs", (c) => {
    const doc = openApiDocument(configOf(c.env).PUBLIC_BASE_URL);
    const rows = Object.entries(doc.paths).flatMap(([path, operations]) =>
      Object.entries(operations as Record<string, { summary: string; security?: Array<Record<string, unknown>>; responses: Record<string, unknown> }>).map(
        ([method, op]) => ({
          method: method.toUpperCase(),
          path,
          summary: op.summary,
          auth: op.security?.flatMap((s) => Object.keys(s)).join(" or ") || "none",
          codes: Object.keys(op.responses).join(" "),
        }),
      ),
    );
    return c.html(html`<!doctype html>
<html lang="en">
  <head>
    <meta charset="utf-8" />
    <meta name="viewport" content="width=device-width, initial-scale=1" />
    <title>AWOOOI Edge API</title>
    <style>
      :root { color-scheme: light dark; font-family: system-ui, sans-serif; }
      body { margin: 0 auto; max-width: 60rem; padding: 1rem; }
      table { border-collapse: collapse; width: 100%; } td, th { text-align: left; padding: .35rem .5rem; border-bottom: 1px solid rgba(127,127,127,.3); vertical-align: top; }
      code { overflow-wrap: anywhere; } .m { font-weight: 700; }
    </style>
  </head>
  <body>
    <h1>AWOOOI Edge API</h1>
    <p>${doc.info.description} The machine-readable description is <a href="/openapi.json">/openapi.json</a> (OpenAPI ${doc.openapi}).</p>
    <table>
      <thead><tr><th>method</th><th>path</th><th>what</th><th>auth</th><th>answers</th></tr></thead>
      <tbody>
        ${rows.map((r) => html`<tr><td class="m">${r.method}</td><td><code>${r.path}</code></td><td>${r.summary}</td><td>${r.auth}</td><td>${r.codes}</td></tr>`)}
      </tbody>
    </table>
  </body>
</html>`);
  });
}
