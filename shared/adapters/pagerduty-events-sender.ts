import type { PagerDutyEvent } from "../domain/notify/pagerduty.ts";
import type { DeliveryOutcome } from "../ports/channel-sender.ts";
import { deliver } from "./http-delivery.ts";

/** Events API v2 `/v2/enqueue` (PROTOCOLS.md §7): 202 accepted; 429 → retry about 30 s later; 400 is final. */
export function createPagerDutySender(options: { eventsUrl: string; fetch?: typeof fetch }) {
  return (event: PagerDutyEvent): Promise<DeliveryOutcome> =>
    deliver(
      { url: options.eventsUrl, body: JSON.stringify(event), describe: "PagerDuty" },
      { ...(options.fetch ? { fetch: options.fetch } : {}), retryAfter: (response) => (response.status === 429 ? 30 : undefined) },
    );
}
