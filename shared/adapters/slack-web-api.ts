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
  const call = async (method: string, body: Record<string, unknown>): Promise<DeliveryOutcome & { answer?: SlackAnswer }> => {
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
    const answer = (await response.json().catch(() => ({}))) as SlackAnswer;
    if (answer.ok === true) return { kind: "sent", answer };
    if (answer.error === "ratelimited") return { kind: "retry", reason: `Slack ${method}: ratelimited` };
    return { kind: "permanent", reason: `Slack ${method}: ${clip(answer.error ?? `HTTP ${response.status}`, 200)}` };
  };
  /** A posted message's `ref` is `<channel id>/<ts>`: a DM's channel id is only known from the answer. */
  const postMessage = async (channel: string, message: SlackMessage): Promise<DeliveryOutcome> => {
    const outcome = await call("chat.postMessage", { channel, ...message });
    if (outcome.kind !== "sent") return outcome;
    const { channel: where, ts } = outcome.answer ?? {};
    return { kind: "sent", ref: typeof where === "string" && typeof ts === "string" ? `${where}/${ts}` : undefined };
  };
  const update = async (channel: string, ts: string, message: SlackMessage): Promise<DeliveryOutcome> => {
    const outcome = await call("chat.update", { channel, ts, ...message });
    return outcome.kind === "sent" ? { kind: "sent" } : outcome;
  };
  /** The bot's DM with a member (`conversations.open`, scope `im:write`), then the message there. */
  const postDirect = async (userId: string, message: SlackMessage): Promise<DeliveryOutcome> => {
    const opened = await call("conversations.open", { users: userId });
    if (opened.kind !== "sent") return opened;
    const dm = opened.answer?.channel;
    const id = typeof dm === "object" && dm !== null ? dm.id : undefined;
    if (typeof id !== "string") return { kind: "permanent", reason: "Slack conversations.open: no channel id in the answer" };
    return postMessage(id, message);
  };
  return { postMessage, update, postDirect };
}

interface SlackAnswer {
  readonly ok?: boolean;
  readonly error?: string;
  readonly ts?: string;
  readonly channel?: string | { readonly id?: string };
}
