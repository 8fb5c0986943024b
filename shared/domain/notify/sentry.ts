import { clip } from "../text.ts";
import type { NotificationView } from "./view.ts";

/** Sentry comments are Markdown; keep them short enough to read in the issue stream. */
export const SENTRY_COMMENT_MAX = 5_000;

/**
 * The analysis as a Sentry issue comment. Deterministic for the same verdict,
 * so a re-post is recognisable (Sentry also refuses identical comments within
 * an hour).
 */
export function renderSentryComment(v: NotificationView): string {
  const fence = (text: string) => text.replaceAll("```", "ʼʼʼ");
  return clip(
    [
      `**AWOOOI analysis** — ${v.headline}`,
      "",
      `**Root cause:** ${v.rootCause}`,
      `**Risk:** ${v.risk} · confidence ${v.confidence}% · verdict by ${v.verdictBy}`,
      `**Blast radius:** ${v.blastRadius}`,
      `**Proposed:** \`${v.operation}\` — ${v.description}`,
      "```",
      fence(v.command),
      "```",
      ...(v.approval ? [`**Approval:** ${v.approval}`] : []),
      `Incident \`${v.incidentId}\``,
    ].join("\n"),
    SENTRY_COMMENT_MAX,
  );
}
