import type { SlackMessage } from "../domain/notify/slack.ts";
import { clip } from "../domain/text.ts";
import type { DeliveryOutcome } from "../ports/channel-sender.ts";

/**
 * A Slack app's Web API (PROTOCOLS §16): `chat.postMessage` and `chat.update`
 * with the bot token. Slack answers failures with HTTP 200 and `ok: false`;
 * 429 carries Retry-After; `ratelimited` and 5xx are retried, other errors are final.
 */
export function createSlackApi(options: { token: string; apiBase: string; fetch?: typeof fetch }) {
  const fetchImpl = options.fetch ?? fetch;
  const call = async (method: string, body: Record<string, unknown>): Promise<DeliveryOutcome> => {
    let response: Response;
    try {
      response = await fetchImpl(`${options.apiBase.replace(/\/+$/, "")}/${method}`, {
        method: "POST",
        headers: { Authorization: `Bearer ${options.token}`, "Content-Type": "application/json; charset=utf-8" },
        body: JSON.stringify(body),
        signal: AbortSignal.timeout(10_000),
      });
    } catch (error) {
      return { kind: "retry", reason: `Slack ${method} unreachable: ${String(error)}` };
    }
    if (response.status === 429) {
      const after = Number(response.headers.get("Retry-After"));
      return { kind: "retry", reason: `Slack ${method}: ratelimited`, ...(Number.isFinite(after) && after > 0 ? { afterSeconds: after } : {}) };
    }
    if (response.status >= 500) return { kind: "retry", reason: `Slack ${method} answered ${response.status}` };
    const answer = (await response.json().catch(() => ({}))) as { ok?: boolean; error?: string };
    if (answer.ok === true) return { kind: "sent" };
    if (answer.error === "ratelimited") return { kind: "retry", reason: `Slack ${method}: ratelimited` };
    return { kind: "permanent", reason: `Slack ${method}: ${clip(answer.error ?? `HTTP ${response.status}`, 200)}` };
  };
  return {
    postMessage: (channel: string, message: SlackMessage) => call("chat.postMessage", { channel, ...message }),
    update: (channel: string, ts: string, message: SlackMessage) => call("chat.update", { channel, ts, ...message }),
  };
}
