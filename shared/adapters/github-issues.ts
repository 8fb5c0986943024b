import * as z from "zod/v4";
import type { DeliveryOutcome } from "../ports/channel-sender.ts";
import type { NewTicket, OpenOutcome, TicketRef, TicketTracker } from "../ports/ticket-tracker.ts";
import { answerJson, deliver } from "./http-delivery.ts";

export interface GitHubIssuesOptions {
  /** `GITHUB_TOKEN`: a token with Issues: write on the repository. */
  readonly token: string;
  /** `GITHUB_REPOSITORY`: `owner/repo`. */
  readonly repository: string;
  /** `GITHUB_API_URL`; default https://api.github.com (GHES: https://HOST/api/v3). */
  readonly apiUrl?: string | undefined;
  readonly fetch?: typeof fetch;
}

/** GitHub refuses bodies over 65,536 characters; a margin keeps the cut marker inside. */
const MAX_BODY = 65_000;

const CreatedIssue = z.object({ number: z.number().int(), html_url: z.string() });

/** Primary and secondary rate limits answer 403 or 429; wait as told (`retry-after`, `x-ratelimit-reset`), else a minute. */
function rateLimitWait(response: Response, body: string): number | undefined {
  const retryAfter = Number(response.headers.get("retry-after"));
  if (Number.isFinite(retryAfter) && retryAfter > 0) return retryAfter;
  const limited = response.headers.get("x-ratelimit-remaining") === "0" || /rate limit/i.test(body);
  if (!limited) return undefined;
  const reset = Number(response.headers.get("x-ratelimit-reset"));
  return Number.isFinite(reset) && reset > 0 ? Math.max(1, Math.ceil(reset - Date.now() / 1000)) : 60;
}

const clipBody = (body: string) => (body.length > MAX_BODY ? `${body.slice(0, MAX_BODY)}\n\n… (cut to fit GitHub's limit)` : body);

/**
 * GitHub Issues as the ticket tracker (PROTOCOLS §17): `POST …/issues` opens,
 * `POST …/issues/{n}/comments` comments, `PATCH …/issues/{n}`
 * `{"state":"closed","state_reason":"completed"}` closes. Every request names
 * the API version and a User-Agent (GitHub refuses requests without one).
 */
export function createGitHubIssues(options: GitHubIssuesOptions): TicketTracker {
  const base = `${(options.apiUrl ?? "https://api.github.com").replace(/\/+$/, "")}/repos/${options.repository}/issues`;
  const headers = {
    Authorization: `Bearer ${options.token}`,
    Accept: "application/vnd.github+json",
    "X-GitHub-Api-Version": "2022-11-28",
    "User-Agent": "awoooi-edge",
  };
  const call = (url: string, body: unknown, method: "POST" | "PATCH" = "POST") =>
    deliver(
      { url, method, headers, body: JSON.stringify(body), describe: "GitHub" },
      {
        ...(options.fetch ? { fetch: options.fetch } : {}),
        retryAfter: (response, text) => (response.status === 429 || response.status === 403 ? rateLimitWait(response, text) : undefined),
      },
    ).then((outcome) => {
      // A 403 for a rate limit is a wait, not a refusal.
      if (outcome.kind === "permanent" && outcome.status === 403 && /rate limit/i.test(outcome.body ?? "")) {
        return { ...outcome, kind: "retry" as const, afterSeconds: 60 };
      }
      return outcome;
    });
  return {
    system: "github",
    async open(ticket: NewTicket): Promise<OpenOutcome> {
      const outcome = await call(base, { title: ticket.title.slice(0, 256), body: clipBody(ticket.body), labels: [...ticket.labels] });
      if (outcome.kind !== "sent") return outcome;
      const created = CreatedIssue.safeParse(answerJson(outcome));
      if (!created.success) return { kind: "permanent", reason: "GitHub answered without an issue number" };
      return { kind: "opened", ref: { system: "github", key: String(created.data.number), url: created.data.html_url } };
    },
    comment(ref: TicketRef, body: string): Promise<DeliveryOutcome> {
      return call(`${base}/${encodeURIComponent(ref.key)}/comments`, { body: clipBody(body) });
    },
    close(ref: TicketRef): Promise<DeliveryOutcome> {
      return call(`${base}/${encodeURIComponent(ref.key)}`, { state: "closed", state_reason: "completed" }, "PATCH");
    },
  };
}
