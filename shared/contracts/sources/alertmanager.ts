import * as z from "zod/v4";

const StringMap = z.record(z.string(), z.string());

/** One alert inside an Alertmanager webhook body (PROTOCOLS.md §1). */
export const AlertmanagerAlert = z.object({
  status: z.enum(["firing", "resolved"]),
  labels: StringMap.refine((labels) => typeof labels.alertname === "string" && labels.alertname.length > 0, {
    message: "alertname label is required",
    path: ["alertname"],
  }),
  annotations: StringMap.optional(),
  startsAt: z.iso.datetime({ offset: true, local: false }),
  endsAt: z.string().optional(),
  generatorURL: z.string().optional(),
  fingerprint: z.string().max(128).optional(),
});
export type AlertmanagerAlert = z.infer<typeof AlertmanagerAlert>;

/**
 * Alertmanager webhook body, `version: "4"`. Older Alertmanagers omit
 * `truncatedAlerts`, `notification_reason` and `routeLabels`, so those are optional.
 */
export const AlertmanagerWebhook = z.object({
  version: z.literal("4"),
  groupKey: z.string().optional(),
  truncatedAlerts: z.number().int().min(0).optional(),
  status: z.enum(["firing", "resolved"]).optional(),
  receiver: z.string().optional(),
  groupLabels: StringMap.optional(),
  commonLabels: StringMap.optional(),
  commonAnnotations: StringMap.optional(),
  externalURL: z.string().optional(),
  alerts: z.array(AlertmanagerAlert).min(1).max(1_000),
});
export type AlertmanagerWebhook = z.infer<typeof AlertmanagerWebhook>;
