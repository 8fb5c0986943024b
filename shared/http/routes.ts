/** The five functions, by the name of their service binding in the dev gateway. */
export type FunctionBinding = "WEBHOOK_RECEIVE" | "ANALYZE" | "CLASSIFY" | "NOTIFY" | "APPROVE";

/**
 * Which function owns which public path. The dev gateway routes by this table,
 * and production routes on one custom domain follow the same prefixes.
 * First match wins.
 */
export const ROUTES: ReadonlyArray<readonly [prefix: string, target: FunctionBinding]> = [
  ["/api/v1/webhooks/", "WEBHOOK_RECEIVE"],
  ["/api/v1/analyze/", "ANALYZE"],
  ["/dev/inbox", "NOTIFY"],
  ["/approve/", "APPROVE"],
  ["/api/v1/", "APPROVE"],
  ["/metrics", "APPROVE"],
  ["/status", "APPROVE"],
  ["/openapi.json", "APPROVE"],
  ["/docs", "APPROVE"],
];

export function routeFor(pathname: string): FunctionBinding | undefined {
  return ROUTES.find(([prefix]) => pathname === prefix || pathname.startsWith(prefix))?.[1];
}
