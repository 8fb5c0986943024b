import type { SmokeStage, SmokeStamps } from "../smoke.ts";
import { escapeSlack, type SlackMessage } from "./slack.ts";
import { escapeTelegramHtml, type TelegramMessage } from "./telegram.ts";

export interface SmokeAlarm {
  readonly runId: string;
  readonly missing: SmokeStage;
  readonly reached: SmokeStage | undefined;
  readonly deadlineSeconds: number;
  readonly stamps: SmokeStamps;
  readonly lastSuccessAt: string | undefined;
}

function lines(a: SmokeAlarm): string[] {
  return [
    `Smoke run ${a.runId} did not reach "${a.missing}" within ${a.deadlineSeconds} s.`,
    `Last stage reached: ${a.reached ?? "none (the synthetic alert was not even sent)"}.`,
    `Last successful run: ${a.lastSuccessAt ?? "unknown"}.`,
    "Real alerts may not be reaching anyone. Check the function after the last stage reached, its queue and its dead letters.",
  ];
}

/** The out-of-band alarm when the chain is broken: sent straight to Telegram, bypassing the queues it is about. */
export function smokeAlarmTelegram(a: SmokeAlarm): TelegramMessage {
  const [first, ...rest] = lines(a);
  return {
    text: `<b>🚨 AWOOOI alert chain broken</b>\n${escapeTelegramHtml(first!)}\n${rest.map(escapeTelegramHtml).join("\n")}`,
    parse_mode: "HTML",
    link_preview_options: { is_disabled: true },
  };
}

export function smokeAlarmSlack(a: SmokeAlarm): SlackMessage {
  return {
    text: `🚨 AWOOOI alert chain broken: smoke run ${a.runId} stopped after "${a.reached ?? "none"}"`,
    blocks: [
      { type: "header", text: { type: "plain_text", text: "🚨 AWOOOI alert chain broken" } },
      { type: "section", text: { type: "mrkdwn", text: lines(a).map(escapeSlack).join("\n") } },
    ],
    unfurl_links: false,
    unfurl_media: false,
  };
}
