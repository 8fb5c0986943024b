/** What one delivery attempt to one recipient came to. */
export type DeliveryOutcome =
  /** `ref`: the id the channel gave the message (Telegram `message_id`, Slack `ts`), where it gives one. */
  | { readonly kind: "sent"; readonly ref?: string | undefined }
  /** Worth another try: rate limited (after `afterSeconds` when the channel said), 5xx, timeout, network. */
  | { readonly kind: "retry"; readonly reason: string; readonly afterSeconds?: number | undefined }
  /** No retry can help (bad request, revoked webhook, unknown chat). */
  | { readonly kind: "permanent"; readonly reason: string };

/** A thin sender over `fetch` for one channel's HTTP API. Never throws: every failure is an outcome. */
export type Send<Body> = (body: Body) => Promise<DeliveryOutcome>;
