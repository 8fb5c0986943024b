import { clip } from "../domain/text.ts";
import type { Log } from "../logging.ts";
import type { TelegramBot } from "../ports/telegram-bot.ts";

/** answerCallbackQuery and editMessageText over the Bot API; failures are logged, not thrown (a press is already recorded). */
export function createTelegramBot(options: { token: string; apiBase: string; fetch?: typeof fetch; log: Log }): TelegramBot {
  const fetchImpl = options.fetch ?? fetch;
  const call = async (method: string, body: Record<string, unknown>) => {
    try {
      const response = await fetchImpl(`${options.apiBase.replace(/\/+$/, "")}/bot${options.token}/${method}`, {
        method: "POST",
        headers: { "Content-Type": "application/json" },
        body: JSON.stringify(body),
        signal: AbortSignal.timeout(10_000),
      });
      if (response.ok) return;
      const text = await response.text();
      // A double click re-renders the same text: Telegram says so, and that is fine.
      if (response.status === 400 && text.includes("message is not modified")) return;
      options.log("telegram_call_failed", { method, status: response.status, body: clip(text, 300) });
    } catch (error) {
      options.log("telegram_call_failed", { method, error: String(error) });
    }
  };
  return {
    answerCallbackQuery: (callbackQueryId, text) => call("answerCallbackQuery", { callback_query_id: callbackQueryId, text: clip(text, 200) }),
    editMessageText: (chatId, messageId, message) => call("editMessageText", { chat_id: chatId, message_id: messageId, ...message }),
  };
}
