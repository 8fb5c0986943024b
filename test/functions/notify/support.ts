import { FAKE_TELEGRAM_TOKEN } from "../../support/fakes/chat-credentials.ts";
import { testEnv } from "../../support/worker/env.ts";

/** notify's env with the fakes' Telegram Bot API on and the dev inbox off; `vars` add channels or override. */
export function withChatFakes(vars: Record<string, unknown>): Record<string, unknown> {
  return { ...testEnv, DEV_INBOX: "off", TELEGRAM_BOT_TOKEN: FAKE_TELEGRAM_TOKEN, TELEGRAM_API_BASE: testEnv.TEST_CHAT_SERVICES_URL!, ...vars };
}
