/** Credentials the chat-service fakes accept (importable from workerd tests: no Node modules here). */
export const FAKE_TELEGRAM_TOKEN = "123456789:TEST-bot-token-abcdefghijklmnopqrstuv";
export const FAKE_SENTRY_TOKEN = "sntrys_test_token_0123456789";
export const FAKE_WEBHOOK_SECRET = "test-notify-webhook-secret-0123456789";
export const FAKE_SLACK_BOT_TOKEN = "xoxb-test-0123456789-abcdefghij";
export const FAKE_SLACK_SIGNING_SECRET = "test-slack-signing-secret-0123456789";
