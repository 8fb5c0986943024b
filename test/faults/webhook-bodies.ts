// Hostile webhook bodies per source: a valid body with one field replaced,
// random JSON, plain garbage, and classic malformed shapes.
import fc from "fast-check";
import { SOURCES, type SourceName } from "../../functions/webhook-receive/src/env.ts";
import { alertmanagerBody } from "../support/fixtures/alertmanager.ts";
import { grafanaBody, scannerReport, sentryEventAlert } from "../support/fixtures/sources.ts";
import { hostileValue, mutate } from "../support/fuzz.ts";

export { SOURCES, type SourceName };

export const VALID_WEBHOOK_BODY: Record<SourceName, () => unknown> = {
  alertmanager: () => alertmanagerBody(),
  signoz: () => alertmanagerBody(),
  grafana: () => grafanaBody(),
  sentry: () => sentryEventAlert(),
  scanner: () => scannerReport(),
  alerts: () => ({ alert_type: "A", severity: "warning", source: "s", message: "m" }),
};

export function hostileWebhookBody(source: SourceName) {
  return fc.oneof(
    {
      weight: 6,
      arbitrary: fc
        .tuple(fc.array(fc.nat(), { minLength: 1, maxLength: 6 }), hostileValue)
        .map(([path, value]) => JSON.stringify(mutate(VALID_WEBHOOK_BODY[source](), path, value))),
    },
    { weight: 2, arbitrary: fc.json({ maxDepth: 3 }) },
    { weight: 1, arbitrary: fc.string({ maxLength: 200 }) },
    { weight: 1, arbitrary: fc.constantFrom("", "{", "[", "null", "{}", "[]", '{"alerts":null}', '{"version":"4","alerts":[{}]}') },
  );
}
