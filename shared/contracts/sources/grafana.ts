import * as z from "zod/v4";
import { AlertmanagerAlert } from "./alertmanager.ts";

const StringMap = z.record(z.string(), z.string());

/** One alert of a Grafana unified-alerting webhook (PROTOCOLS.md §2): Alertmanager fields plus Grafana's. */
export const GrafanaAlert = AlertmanagerAlert.extend({
  silenceURL: z.string().optional(),
  dashboardURL: z.string().optional(),
  panelURL: z.string().optional(),
  /** refID → evaluated value, e.g. {"B": 44.2, "C": 1}. */
  values: z.record(z.string(), z.number().nullable()).nullable().optional(),
  valueString: z.string().optional(),
  ruleUID: z.string().optional(),
  orgId: z.number().optional(),
  imageURL: z.string().optional(),
});
export type GrafanaAlert = z.infer<typeof GrafanaAlert>;

/** Grafana unified alerting webhook contact point body: `version: "1"`, `state`, `orgId`. */
export const GrafanaWebhook = z.object({
  version: z.literal("1").optional(),
  receiver: z.string().optional(),
  status: z.enum(["firing", "resolved"]).optional(),
  state: z.string().optional(),
  orgId: z.number().optional(),
  groupKey: z.string().optional(),
  truncatedAlerts: z.number().int().min(0).optional(),
  groupLabels: StringMap.optional(),
  commonLabels: StringMap.optional(),
  commonAnnotations: StringMap.optional(),
  externalURL: z.string().optional(),
  title: z.string().optional(),
  message: z.string().optional(),
  alerts: z.array(GrafanaAlert).min(1).max(1_000),
});
export type GrafanaWebhook = z.infer<typeof GrafanaWebhook>;
