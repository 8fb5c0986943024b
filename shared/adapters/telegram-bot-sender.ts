import type { TelegramMessage } from "../domain/notify/telegram.ts";
import type { DeliveryOutcome } from "../ports/channel-sender.ts";
import { deliver } from "./http-delivery.ts";

/** Bot API `sendMessage` (PROTOCOLS.md §5). A 429 carries `parameters.retry_after` in seconds. */
export function createTelegramSender(options: { token: string; apiBase: string; fetch?: typeof fetch }) {
  const url = `${options.apiBase.replace(/\/+$/, "")}/bot${options.token}/sendMessage`;
  return (chatId: string, message: TelegramMessage): Promise<DeliveryOutcome> =>
    deliver(
      { url, body: JSON.stringify({ chat_id: chatId, ...message }), describe: "Telegram" },
      {
        ...(options.fetch ? { fetch: options.fetch } : {}),
        retryAfter: (_response, body) => {
          try {
            const value = Number((JSON.parse(body) as { parameters?: { retry_after?: unknown } }).parameters?.retry_after);
            return Number.isFinite(value) && value > 0 ? value : undefined;
          } catch {
            return undefined;
          }
        },
      },
    );
}
