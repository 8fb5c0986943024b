import { signedHeaders } from "../http/signatures.ts";
import type { DeliveryOutcome } from "../ports/channel-sender.ts";
import { deliver } from "./http-delivery.ts";

/**
 * The generic webhook: the notification as JSON, HMAC-signed like every
 * AWOOOI service call (`X-Awoooi-Timestamp`, `X-Awoooi-Signature` over
 * `timestamp.body`), with the delivery key as `Idempotency-Key`.
 */
export function createWebhookSender(options: { url: string; secret: string; fetch?: typeof fetch; nowSeconds?: () => number }) {
  const now = options.nowSeconds ?? (() => Math.floor(Date.now() / 1000));
  return async (body: unknown, idempotencyKey: string): Promise<DeliveryOutcome> => {
    const text = JSON.stringify(body);
    return deliver(
      {
        url: options.url,
        headers: { "Idempotency-Key": idempotencyKey, ...(await signedHeaders(options.secret, text, now())) },
        body: text,
        describe: "webhook",
      },
      options.fetch ? { fetch: options.fetch } : {},
    );
  };
}
