import type { DeliveryOutcome } from "../ports/channel-sender.ts";
import { deliver } from "./http-delivery.ts";

/**
 * Posts an issue comment (PROTOCOLS.md §4) with a token holding `event:write`.
 * With an organization slug the current org-scoped path is used, otherwise the
 * legacy one. Sentry's "already posted" refusal means the comment is there.
 */
export function createSentrySender(options: { apiUrl: string; token: string; org?: string | undefined; fetch?: typeof fetch }) {
  const base = options.apiUrl.replace(/\/+$/, "");
  return async (issueId: string, text: string): Promise<DeliveryOutcome> => {
    const path = options.org ? `/api/0/organizations/${encodeURIComponent(options.org)}/issues/${issueId}/comments/` : `/api/0/issues/${issueId}/comments/`;
    const outcome = await deliver(
      { url: `${base}${path}`, headers: { Authorization: `Bearer ${options.token}` }, body: JSON.stringify({ text }), describe: "Sentry" },
      options.fetch ? { fetch: options.fetch } : {},
    );
    if (outcome.kind === "permanent" && outcome.status === 400 && /already posted/i.test(outcome.body ?? "")) return { kind: "sent" };
    return outcome;
  };
}
