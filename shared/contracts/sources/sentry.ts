import * as z from "zod/v4";

const Id = z.union([z.string().min(1).max(64), z.number().int()]).transform(String);
const Text = z.string().max(100_000);

/** The event inside an issue alert (`Sentry-Hook-Resource: event_alert`, PROTOCOLS.md §4). */
export const SentryEvent = z.looseObject({
  event_id: z.string().optional(),
  issue_id: Id,
  title: Text.min(1),
  culprit: Text.nullable().optional(),
  level: z.string().max(32).optional(),
  platform: z.string().max(64).nullable().optional(),
  project: Id,
  datetime: z.string().optional(),
  environment: z.string().max(256).nullable().optional(),
  release: z.string().max(256).nullable().optional(),
  web_url: z.string().optional(),
  issue_url: z.string().optional(),
  metadata: z.record(z.string(), z.unknown()).optional(),
  tags: z.array(z.tuple([z.string(), z.string()])).optional(),
});

export const SentryEventAlert = z.looseObject({
  action: z.literal("triggered"),
  data: z.looseObject({ event: SentryEvent, triggered_rule: z.string().max(500).optional() }),
});
export type SentryEventAlert = z.infer<typeof SentryEventAlert>;

/** `Sentry-Hook-Resource: issue`. */
export const SentryIssueWebhook = z.looseObject({
  action: z.enum(["created", "resolved", "assigned", "archived", "unresolved", "ignored"]),
  data: z.looseObject({
    issue: z.looseObject({
      id: Id,
      shortId: z.string().max(100).optional(),
      title: Text.min(1),
      culprit: Text.nullable().optional(),
      level: z.string().max(32).optional(),
      status: z.string().max(32).optional(),
      substatus: z.string().max(64).nullable().optional(),
      web_url: z.string().optional(),
      permalink: z.string().nullable().optional(),
      firstSeen: z.string().optional(),
      lastSeen: z.string().optional(),
      count: z.union([z.string(), z.number()]).optional(),
      metadata: z.record(z.string(), z.unknown()).optional(),
      project: z.looseObject({ id: Id, slug: z.string().max(200).optional(), name: z.string().max(200).optional() }),
    }),
  }),
});
export type SentryIssueWebhook = z.infer<typeof SentryIssueWebhook>;
