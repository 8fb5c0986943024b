import type { OpenAPIHono } from "@hono/zod-openapi";
import * as z from "zod/v4";
import { TelegramWebhookAnswer } from "../../../shared/contracts/ops-api.ts";
import { parseChatAck } from "../../../shared/domain/chat-decision.ts";
import { renderTelegram } from "../../../shared/domain/notify/telegram.ts";
import { sameSecret } from "../../../shared/http/auth.ts";
import { BODY_LIMITS, boundedBody } from "../../../shared/http/body-limit.ts";
import { AppError } from "../../../shared/http/errors.ts";
import { describeRoute, jsonAnswer, jsonBody, refusals, SECURITY, serveDescribed } from "../../../shared/http/route-docs.ts";
import { fieldIssues } from "../../../shared/http/validation.ts";
import type { ApprovalRecord } from "../../../shared/ports/approval-store.ts";
import { acknowledgeFromChat } from "./acknowledgements.ts";
import { approvalMessageNow, decideFromChat } from "./decisions.ts";
import type { ApproveEnv, ApproveServices } from "./services.ts";
import { answerCommand, parseCommand } from "./telegram-commands.ts";

const SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token";

/** The parts of a Telegram `Update` a button press needs; other update kinds pass through unread. */
const TelegramUpdate = z.looseObject({
  update_id: z.number().int(),
  message: z
    .looseObject({
      chat: z.looseObject({ id: z.number().int() }),
      from: z.looseObject({ id: z.number().int() }).optional(),
      text: z.string().max(4_096).optional(),
    })
    .optional(),
  callback_query: z
    .looseObject({
      id: z.string().min(1).max(200),
      from: z.looseObject({ id: z.number().int() }),
      message: z.looseObject({ message_id: z.number().int(), chat: z.looseObject({ id: z.number().int() }) }).optional(),
      data: z.string().max(64).optional(),
    })
    .optional(),
});

/**
 * `POST /api/v1/telegram/webhook`: Telegram's delivery of updates. A press on
 * an Approve/Reject button is a signature by whoever pressed it — Telegram's
 * `from.id`, mapped through the roster's `telegram_user_id` — never by a link.
 * Every press is answered (the client shows a spinner until then), and the
 * message is re-rendered in place with the approval's new state.
 */
export const TELEGRAM_WEBHOOK_ROUTE = describeRoute({
  method: "post",
  path: "/api/v1/telegram/webhook",
  summary: "Telegram updates: Approve/Reject/Acknowledge presses and commands",
  tags: ["chatops"],
  security: SECURITY.telegram,
  request: { body: jsonBody(TelegramUpdate) },
  responses: { 200: jsonAnswer("handled, or a Bot API method answering a command", TelegramWebhookAnswer), ...refusals(400, 401, 404, 413) },
});

export function mountTelegramRoutes(app: OpenAPIHono<ApproveEnv>): void {
  serveDescribed(app, TELEGRAM_WEBHOOK_ROUTE, boundedBody(BODY_LIMITS.chatUpdate, "Telegram update"), async (c) => {
    const services = c.get("services");
    const telegram = services.telegram;
    if (!telegram) throw new AppError("not_found", "Telegram callbacks are not configured (TELEGRAM_WEBHOOK_SECRET is unset)");
    // The echoed secret is the only authenticity check updates have (PROTOCOLS §15): compared in constant time.
    const given = c.req.header(SECRET_HEADER);
    if (given === undefined || !(await sameSecret(given, telegram.webhookSecret))) {
      throw new AppError("unauthorized", `missing or wrong ${SECRET_HEADER}`);
    }
    let json: unknown;
    try {
      json = await c.req.json();
    } catch {
      throw new AppError("invalid_request", "body is not JSON", { fields: [{ field: "(body)", message: "must be a JSON Telegram Update" }] });
    }
    const update = TelegramUpdate.safeParse(json);
    if (!update.success) {
      const fields = fieldIssues(update.error);
      throw new AppError("invalid_request", `not a Telegram Update — ${fields[0]?.field}: ${fields[0]?.message}`, { fields });
    }
    const press = update.data.callback_query;
    const command = update.data.message?.text ? parseCommand(update.data.message.text) : undefined;
    if (!press && command && update.data.message) {
      // A command is answered in the reply itself (a Bot API call in the webhook's answer, PROTOCOLS §15).
      const { chat, from } = update.data.message;
      const member = from ? services.approvers.find((a) => a.telegram_user_id === String(from.id)) : undefined;
      const text = member ? await answerCommand(command.command, command.args, member, services) : "Only approvers on the roster can ask me that.";
      return c.json({ method: "sendMessage", chat_id: chat.id, text, parse_mode: "HTML", link_preview_options: { is_disabled: true } });
    }
    // Other updates are acknowledged so Telegram does not resend them.
    if (!press) return c.json({ ok: true, handled: false });
    const approver = services.approvers.find((a) => a.telegram_user_id === String(press.from.id));
    if (!approver) services.log("chat_press_refused", { via: "Telegram", reason: "not on the roster", telegram_user_id: press.from.id });
    const ackOf = parseChatAck(press.data ?? "");
    if (ackOf) {
      const ack = await acknowledgeFromChat(services, approver, ackOf);
      await telegram.bot.answerCallbackQuery(press.id, ack.text);
      return c.json({ ok: true, handled: true, outcome: ack.outcome });
    }
    const answer = await decideFromChat(services, approver, press.data ?? "", "Telegram");
    await telegram.bot.answerCallbackQuery(press.id, answer.text);
    if (answer.approval && press.message) await refreshMessage(press.message.chat.id, press.message.message_id, answer.approval, services);
    return c.json({ ok: true, handled: true, outcome: answer.outcome });
  });
}

/** Re-renders the pressed message with the approval's state; buttons stay only while it is pending. */
async function refreshMessage(chatId: number, messageId: number, approval: ApprovalRecord, services: ApproveServices): Promise<void> {
  const now = await approvalMessageNow(approval, services);
  if (now && services.telegram) await services.telegram.bot.editMessageText(chatId, messageId, renderTelegram(now.view, [], now.buttons));
}
