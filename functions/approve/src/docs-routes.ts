import type { OpenAPIHono } from "@hono/zod-openapi";
import { html } from "hono/html";
import * as z from "zod/v4";
import { apiDocument } from "../../../shared/http/openapi.ts";
import { HEALTH_ROUTES } from "../../../shared/http/readiness.ts";
import { describeRoute, jsonAnswer, serveDescribed, textAnswer } from "../../../shared/http/route-docs.ts";
import { ANALYZE_ROUTES } from "../../analyze/src/routes.ts";
import { NOTIFY_ROUTES } from "../../notify/src/routes.ts";
import { WEBHOOK_ROUTES } from "../../webhook-receive/src/routes.ts";
import { configOf } from "./env.ts";
import type { ApproveEnv } from "./services.ts";

const OPENAPI_ROUTE = describeRoute({
  method: "get",
  path: "/openapi.json",
  summary: "This description (OpenAPI 3.0), generated from the routes of all five functions",
  tags: ["operations"],
  responses: { 200: jsonAnswer("the document", z.looseObject({ openapi: z.string(), info: z.looseObject({}), paths: z.record(z.string(), z.unknown()) })) },
});
const DOCS_ROUTE = describeRoute({
  method: "get",
  path: "/docs",
  summary: "A readable page of this description (no scripts)",
  tags: ["operations"],
  responses: { 200: textAnswer("HTML page", "text/html") },
});

/**
 * Routes described next to handlers on plain Hono apps: the other functions'
 * behind the same domain (shared/http/routes.ts), so approve's document is the
 * gateway's, and every function's /health and /ready.
 */
const PLAIN_HONO_ROUTES = [...WEBHOOK_ROUTES, ...ANALYZE_ROUTES, ...NOTIFY_ROUTES, ...HEALTH_ROUTES];

/**
 * The API description (public: it holds no secrets), generated from every
 * described route of the five functions, and a readable page of it with no
 * scripts or CDNs. Call after every other route is mounted.
 */
export function mountDocsRoutes(app: OpenAPIHono<ApproveEnv>): void {
  const documents = new Map<string | undefined, ReturnType<typeof apiDocument>>();
  const documentFor = (serverUrl: string | undefined) => {
    let doc = documents.get(serverUrl);
    if (!doc) {
      doc = apiDocument({ definitions: app.openAPIRegistry.definitions, routes: PLAIN_HONO_ROUTES }, serverUrl);
      documents.set(serverUrl, doc);
    }
    return doc;
  };

  serveDescribed(app, OPENAPI_ROUTE, (c) => c.json(documentFor(configOf(c.env).PUBLIC_BASE_URL), 200, { "Cache-Control": "public, max-age=300" }));

  serveDescribed(app, DOCS_ROUTE, (c) => {
    const doc = documentFor(configOf(c.env).PUBLIC_BASE_URL);
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
