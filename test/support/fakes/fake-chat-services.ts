// Telegram Bot API, Slack incoming webhooks, PagerDuty Events v2, Sentry's
// issue-comments API and a generic webhook receiver on one loopback server,
// each answering as the real service does (PROTOCOLS.md §4–§7), validating
// what the real one validates, and recording every request. Tests inside
// workerd read the record with `GET /_requests?channel=…&contains=…`.
//
// Steering, so tests can provoke each failure:
// - Telegram chat `-100429`: the first message to it per text gets 429 with
//   `retry_after: 3`; chat `-100400`: "chat not found".
// - Slack hook path `/slack/fail-once-…`: 500 `rollup_error` once, then `ok`;
//   `/slack/gone-…`: 404 `no_service`.
// - PagerDuty: a routing key that is not 32 characters → 400 invalid event.
// - Sentry: the same comment text on the same issue again → 400 "already posted".
import { createHmac } from "node:crypto";
import { FAKE_SENTRY_TOKEN, FAKE_SLACK_BOT_TOKEN, FAKE_TELEGRAM_TOKEN, FAKE_WEBHOOK_SECRET } from "./chat-credentials.ts";
import { type FakeExchange, startJsonServer } from "./json-server.ts";

export interface RecordedRequest {
  readonly channel: "telegram" | "slack" | "pagerduty" | "sentry" | "webhook";
  readonly path: string;
  readonly headers: Record<string, string | string[] | undefined>;
  readonly body: any;
  readonly status: number;
  readonly signatureValid?: boolean;
  /** What the fake answered (Telegram's sent message, Slack's `ts`), for tests that follow a message's id. */
  readonly answer?: unknown;
}

const TELEGRAM_TAGS = /^(b|strong|i|em|u|ins|s|strike|del|span|tg-spoiler|a|code|pre|blockquote|tg-emoji|tg-time)$/;

/** Telegram's HTML parse check: only its tags, balanced; entities only the four named ones or numeric. Returns the visible text. */
function parseTelegramHtml(html: string): { ok: true; visible: string } | { ok: false; error: string } {
  const stack: string[] = [];
  let visible = "";
  const token = /<\/?([a-zA-Z-]+)[^>]*>|&(#\d+|#x[0-9a-fA-F]+|[a-zA-Z]+);|[<>]|[^<>&]+|&/g;
  for (const match of html.matchAll(token)) {
    const [whole, tag, entity] = match;
    if (tag !== undefined) {
      if (!TELEGRAM_TAGS.test(tag)) return { ok: false, error: `Bad Request: can't parse entities: unsupported start tag "${tag}"` };
      if (whole.startsWith("</")) {
        if (stack.pop() !== tag) return { ok: false, error: `Bad Request: can't parse entities: can't find end tag corresponding to start tag "${tag}"` };
      } else stack.push(tag);
    } else if (entity !== undefined) {
      if (!/^(lt|gt|amp|quot|#\d+|#x[0-9a-fA-F]+)$/.test(entity))
        return { ok: false, error: `Bad Request: can't parse entities: unsupported entity "${entity}"` };
      visible += entity === "lt" ? "<" : entity === "gt" ? ">" : entity === "amp" ? "&" : entity === "quot" ? '"' : "?";
    } else if (whole === "<" || whole === ">" || whole === "&") {
      return { ok: false, error: "Bad Request: can't parse entities: unescaped character" };
    } else visible += whole;
  }
  if (stack.length > 0) return { ok: false, error: `Bad Request: can't parse entities: can't find end tag for "${stack.at(-1)}"` };
  return { ok: true, visible };
}

function validSlackBlocks(body: any): string | undefined {
  if (typeof body?.text !== "string" || body.text.length === 0) return "no_text";
  const blocks = body.blocks ?? [];
  if (!Array.isArray(blocks) || blocks.length > 50) return "invalid_blocks";
  for (const block of blocks) {
    if (block.type === "header" && (block.text?.type !== "plain_text" || block.text.text.length > 150)) return "invalid_blocks";
    if (block.type === "section") {
      if (block.text && block.text.text.length > 3000) return "invalid_blocks";
      if (block.fields && (block.fields.length > 10 || block.fields.some((f: any) => f.text.length > 2000))) return "invalid_blocks";
    }
    if (block.type === "actions") {
      if (block.elements.length > 25) return "invalid_blocks";
      for (const b of block.elements) {
        if (b.type !== "button" || b.text.text.length > 75 || (b.url && (b.url.length > 3000 || !/^https?:\/\//.test(b.url)))) return "invalid_blocks";
      }
    }
  }
  return undefined;
}

export async function startFakeChatServices() {
  const requests: RecordedRequest[] = [];
  const seen = new Set<string>();
  /** A message's current text and markup, by chat and message id (edits compare against it). */
  const edited = new Map<string, string>();
  let messageId = 0;
  const record = (exchange: FakeExchange, channel: RecordedRequest["channel"], status: number, extra: Partial<RecordedRequest> = {}) =>
    requests.push({ channel, path: exchange.path, headers: exchange.headers, body: exchange.body, status, ...extra });

  const server = await startJsonServer((exchange) => {
    const url = new URL(exchange.path, "http://fake");
    if (exchange.method === "GET" && url.pathname === "/_requests") {
      const channel = url.searchParams.get("channel");
      const contains = url.searchParams.get("contains");
      exchange.send(
        200,
        requests.filter((r) => (!channel || r.channel === channel) && (!contains || JSON.stringify(r.body).includes(contains))),
      );
      return;
    }

    const callback = /^\/bot([^/]+)\/(answerCallbackQuery|editMessageText)$/.exec(url.pathname);
    if (callback) {
      const reply = (status: number, payload: unknown) => {
        record(exchange, "telegram", status);
        exchange.send(status, payload);
      };
      if (callback[1] !== FAKE_TELEGRAM_TOKEN) return reply(401, { ok: false, error_code: 401, description: "Unauthorized" });
      const body = exchange.body ?? {};
      if (callback[2] === "answerCallbackQuery") {
        if (typeof body.callback_query_id !== "string" || body.callback_query_id === "")
          return reply(400, { ok: false, error_code: 400, description: "Bad Request: query is too old and response timeout expired or query ID is invalid" });
        if (typeof body.text === "string" && body.text.length > 200)
          return reply(400, { ok: false, error_code: 400, description: "Bad Request: text is too long" });
        return reply(200, { ok: true, result: true });
      }
      if (body.parse_mode !== "HTML") return reply(400, { ok: false, error_code: 400, description: "Bad Request: expected HTML" });
      const parsed = parseTelegramHtml(String(body.text ?? ""));
      if (!parsed.ok) return reply(400, { ok: false, error_code: 400, description: parsed.error });
      if (!body.chat_id || !Number.isInteger(body.message_id))
        return reply(400, { ok: false, error_code: 400, description: "Bad Request: message to edit not found" });
      const key = `edit:${body.chat_id}:${body.message_id}`;
      const content = JSON.stringify([body.text, body.reply_markup ?? null]);
      if (edited.get(key) === content)
        return reply(400, {
          ok: false,
          error_code: 400,
          description: "Bad Request: message is not modified: specified new message content and reply markup are exactly the same",
        });
      edited.set(key, content);
      return reply(200, { ok: true, result: { message_id: body.message_id, chat: { id: body.chat_id }, text: parsed.visible } });
    }

    const telegram = /^\/bot([^/]+)\/sendMessage$/.exec(url.pathname);
    if (telegram) {
      const reply = (status: number, payload: unknown, headers?: Record<string, string>) => {
        record(exchange, "telegram", status, { answer: payload });
        exchange.send(status, payload, headers);
      };
      if (telegram[1] !== FAKE_TELEGRAM_TOKEN) return reply(401, { ok: false, error_code: 401, description: "Unauthorized" });
      const body = exchange.body;
      const chat = String(body?.chat_id ?? "");
      if (chat === "-100400") return reply(400, { ok: false, error_code: 400, description: "Bad Request: chat not found" });
      if (chat === "-100429" && !seen.has(`tg429:${body.text}`)) {
        seen.add(`tg429:${body.text}`);
        return reply(429, { ok: false, error_code: 429, description: "Too Many Requests: retry after 3", parameters: { retry_after: 3 } });
      }
      if (body?.parse_mode !== "HTML") return reply(400, { ok: false, error_code: 400, description: "Bad Request: expected HTML" });
      const parsed = parseTelegramHtml(String(body.text ?? ""));
      if (!parsed.ok) return reply(400, { ok: false, error_code: 400, description: parsed.error });
      if (parsed.visible.length === 0 || parsed.visible.length > 4096)
        return reply(400, { ok: false, error_code: 400, description: "Bad Request: message is too long" });
      for (const row of body.reply_markup?.inline_keyboard ?? []) {
        for (const button of row) {
          if (typeof button.callback_data === "string") {
            if (new TextEncoder().encode(button.callback_data).length > 64 || button.callback_data === "")
              return reply(400, { ok: false, error_code: 400, description: "Bad Request: BUTTON_DATA_INVALID" });
            continue;
          }
          if (!/^https:\/\//.test(button.url ?? "") || /\/\/(localhost|127\.)/.test(button.url)) {
            return reply(400, { ok: false, error_code: 400, description: "Bad Request: BUTTON_URL_INVALID" });
          }
        }
      }
      messageId += 1;
      return reply(200, { ok: true, result: { message_id: messageId, chat: { id: chat }, date: Math.floor(Date.now() / 1000), text: parsed.visible } });
    }

    // Slack Web API (PROTOCOLS §16): errors come back as HTTP 200 with ok:false.
    const slackApi = /^\/slack-api\/(chat\.postMessage|chat\.update|conversations\.open)$/.exec(url.pathname);
    if (slackApi) {
      const reply = (payload: Record<string, unknown>) => {
        record(exchange, "slack", 200, { answer: payload });
        exchange.send(200, payload);
      };
      if (exchange.headers.authorization !== `Bearer ${FAKE_SLACK_BOT_TOKEN}`) return reply({ ok: false, error: "invalid_auth" });
      const body = exchange.body ?? {};
      if (slackApi[1] === "conversations.open") {
        // A DM with one member: its channel id is stable per member, as Slack's is.
        if (typeof body.users !== "string" || !/^[UW][A-Z0-9]+$/.test(body.users)) return reply({ ok: false, error: "user_not_found" });
        return reply({ ok: true, channel: { id: `D${body.users.slice(1)}` } });
      }
      if (typeof body.channel !== "string" || !/^[CDG][A-Z0-9]+$/.test(body.channel)) return reply({ ok: false, error: "channel_not_found" });
      if (typeof body.text !== "string" || body.text === "") return reply({ ok: false, error: "no_text" });
      if (!Array.isArray(body.blocks) || body.blocks.length > 50) return reply({ ok: false, error: "invalid_blocks" });
      for (const block of body.blocks) {
        for (const element of block.type === "actions" ? block.elements : []) {
          if ((element.value ?? "").length > 2000 || (element.text?.text ?? "").length > 75 || (element.action_id ?? "").length > 255)
            return reply({ ok: false, error: "invalid_blocks" });
        }
      }
      if (slackApi[1] === "chat.update") {
        if (typeof body.ts !== "string") return reply({ ok: false, error: "message_not_found" });
        return reply({ ok: true, channel: body.channel, ts: body.ts, text: body.text });
      }
      messageId += 1;
      return reply({ ok: true, channel: body.channel, ts: `1700000000.${String(messageId).padStart(6, "0")}`, message: { text: body.text } });
    }

    if (url.pathname.startsWith("/slack/")) {
      const reply = (status: number, text: string, headers?: Record<string, string>) => {
        record(exchange, "slack", status);
        exchange.sendText(status, text, headers);
      };
      const hook = url.pathname.slice("/slack/".length);
      if (hook.startsWith("gone-")) return reply(404, "no_service");
      if (hook.startsWith("fail-once-") && !seen.has(`slack:${hook}`)) {
        seen.add(`slack:${hook}`);
        return reply(500, "rollup_error");
      }
      const invalid = validSlackBlocks(exchange.body);
      if (invalid) return reply(400, invalid);
      return reply(200, "ok");
    }

    if (url.pathname === "/v2/enqueue") {
      const body = exchange.body;
      const errors: string[] = [];
      if (typeof body?.routing_key !== "string" || body.routing_key.length !== 32)
        errors.push("Length of 'routing_key' is incorrect (should be 32 characters)");
      if (!["trigger", "acknowledge", "resolve"].includes(body?.event_action)) errors.push("'event_action' is invalid");
      if (body?.event_action === "trigger") {
        if (!body.payload?.summary || body.payload.summary.length > 1024) errors.push("'payload.summary' is missing or too long");
        if (!body.payload?.source) errors.push("'payload.source' is missing");
        if (!["critical", "error", "warning", "info"].includes(body.payload?.severity)) errors.push("'payload.severity' is invalid");
      } else if (!body?.dedup_key) errors.push("'dedup_key' is required");
      if (errors.length > 0) {
        record(exchange, "pagerduty", 400);
        return exchange.send(400, { status: "invalid event", message: "Event object is invalid", errors });
      }
      record(exchange, "pagerduty", 202);
      return exchange.send(202, { status: "success", message: "Event processed", dedup_key: body.dedup_key ?? crypto.randomUUID() });
    }

    const sentry = /^\/api\/0\/(?:organizations\/[^/]+\/)?issues\/(\d+)\/comments\/$/.exec(url.pathname);
    if (sentry) {
      if (exchange.headers.authorization !== `Bearer ${FAKE_SENTRY_TOKEN}`) {
        record(exchange, "sentry", 401);
        return exchange.send(401, { detail: "Invalid token" });
      }
      const key = `sentry:${sentry[1]}:${exchange.body?.text}`;
      if (seen.has(key)) {
        record(exchange, "sentry", 400);
        return exchange.send(400, { detail: "You have already posted that comment." });
      }
      seen.add(key);
      record(exchange, "sentry", 201);
      return exchange.send(201, { id: String(requests.length), type: "note", data: { text: exchange.body.text } });
    }

    if (url.pathname === "/hook") {
      const timestamp = String(exchange.headers["x-awoooi-timestamp"] ?? "");
      const expected = createHmac("sha256", FAKE_WEBHOOK_SECRET).update(`${timestamp}.${exchange.rawBody}`).digest("hex");
      const signatureValid = exchange.headers["x-awoooi-signature"] === expected;
      record(exchange, "webhook", signatureValid ? 200 : 401, { signatureValid });
      return exchange.send(signatureValid ? 200 : 401, { received: signatureValid });
    }

    exchange.send(404, { error: "no such fake endpoint" });
  });
  return { ...server, requests, env: { TEST_CHAT_SERVICES_URL: server.url } };
}
