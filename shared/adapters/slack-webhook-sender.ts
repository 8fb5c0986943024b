import type { SlackMessage } from "../domain/notify/slack.ts";
import type { DeliveryOutcome } from "../ports/channel-sender.ts";
import { deliver } from "./http-delivery.ts";

/** Incoming webhook (PROTOCOLS.md §6): 200 `ok`; 429 with Retry-After; other 4xx mean the hook is gone or the payload bad. */
export function createSlackSender(options: { fetch?: typeof fetch } = {}) {
  return (webhookUrl: string, message: SlackMessage): Promise<DeliveryOutcome> =>
    deliver({ url: webhookUrl, body: JSON.stringify(message), describe: "Slack" }, options.fetch ? { fetch: options.fetch } : {});
}
