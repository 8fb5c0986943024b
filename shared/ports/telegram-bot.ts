import type { TelegramMessage } from "../domain/notify/telegram.ts";

/** The Bot API calls a button press needs (PROTOCOLS §15). Neither throws: a press is answered as well as it can be. */
export interface TelegramBot {
  /** Stops the button's spinner and shows `text` as a toast (≤ 200 characters). */
  answerCallbackQuery(callbackQueryId: string, text: string): Promise<void>;
  /** Replaces a sent message; "message is not modified" counts as done. */
  editMessageText(chatId: number | string, messageId: number, message: TelegramMessage): Promise<void>;
}
