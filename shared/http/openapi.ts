import { OpenAPIRegistry, OpenApiGeneratorV3 } from "@asteasolutions/zod-to-openapi";
import { type RouteConfig, SECURITY_SCHEMES } from "./route-docs.ts";

/**
 * The OpenAPI 3.0 document generated from the route descriptions the
 * handlers are declared with: `definitions` from an OpenAPIHono app's
 * registry, `routes` from functions that only describe theirs.
 */
type OpenAPIDefinitions = OpenAPIRegistry["definitions"][number];

export function apiDocument(sources: { readonly definitions?: readonly OpenAPIDefinitions[]; readonly routes?: readonly RouteConfig[] }, serverUrl?: string) {
  const registry = new OpenAPIRegistry();
  for (const [name, scheme] of Object.entries(SECURITY_SCHEMES)) registry.registerComponent("securitySchemes", name, scheme);
  for (const route of sources.routes ?? []) registry.registerPath(route);
  return new OpenApiGeneratorV3([...(sources.definitions ?? []), ...registry.definitions]).generateDocument({
    openapi: "3.0.3",
    info: {
      title: "AWOOOI Edge",
      version: "1",
      description: "AI alert triage on Cloudflare Workers: ingest, analyze, classify, notify, approve. Every refusal is the shared JSON error body.",
    },
    ...(serverUrl ? { servers: [{ url: serverUrl }] } : {}),
  });
}
