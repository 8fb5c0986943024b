import type { TelegramMessage } from "../domain/notify/telegram.ts";
import type { DeliveryOutcome } from "../ports/channel-sender.ts";
import { deliver } from "./http-delivery.ts";

/** A 429 carries `parameters.retry_after` in seconds (PROTOCOLS.md §5). */
function retryAfter(_response: Response, body: string): number | undefined {
  try {
    const value = Number((JSON.parse(body) as { parameters?: { retry_after?: unknown } }).parameters?.retry_after);
    return Number.isFinite(value) && value > 0 ? value : undefined;
  } catch {
    return undefined;
  }
}

function sentMessageId(body: string | undefined): string | undefined {
  try {
    const id = (JSON.parse(body ?? "") as { result?: { message_id?: unknown } }).result?.message_id;
    return typeof id === "number" && Number.isInteger(id) ? String(id) : undefined;
  } catch {
    return undefined;
  }
}

/** Bot API `sendMessage` and `editMessageText`, as delivery outcomes; a sent message reports its `message_id` as `ref`. */
export function createTelegramSender(options: { token: string; apiBase: string; fetch?: typeof fetch }) {
  const base = `${options.apiBase.replace(/\/+$/, "")}/bot${options.token}`;
  const http = { ...(options.fetch ? { fetch: options.fetch } : {}), retryAfter };
  const send = async (chatId: string, message: TelegramMessage): Promise<DeliveryOutcome> => {
    const outcome = await deliver({ url: `${base}/sendMessage`, body: JSON.stringify({ chat_id: chatId, ...message }), describe: "Telegram" }, http);
    return outcome.kind === "sent" ? { kind: "sent", ref: sentMessageId(outcome.body) } : outcome;
  };
  const edit = async (chatId: string, messageId: string, message: TelegramMessage): Promise<DeliveryOutcome> => {
    const outcome = await deliver(
      { url: `${base}/editMessageText`, body: JSON.stringify({ chat_id: chatId, message_id: Number(messageId), ...message }), describe: "Telegram" },
      http,
    );
    // Re-rendering the same state is a no-op Telegram reports as an error: it is done.
    if (outcome.kind === "permanent" && outcome.body?.includes("message is not modified")) return { kind: "sent" };
    return outcome.kind === "sent" ? { kind: "sent" } : outcome;
  };
  return { send, edit };
}
