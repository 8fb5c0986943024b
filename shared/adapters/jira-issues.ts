import * as z from "zod/v4";
import { TICKET_PRIORITY } from "../domain/notify/ticket.ts";
import type { DeliveryOutcome } from "../ports/channel-sender.ts";
import type { NewTicket, OpenOutcome, TicketRef, TicketTracker } from "../ports/ticket-tracker.ts";
import { answerJson, deliver } from "./http-delivery.ts";

export interface JiraIssuesOptions {
  /** `JIRA_BASE_URL`: https://<site>.atlassian.net */
  readonly baseUrl: string;
  /** `JIRA_EMAIL` and `JIRA_API_TOKEN`: basic auth of an account that may create issues in the project. */
  readonly email: string;
  readonly apiToken: string;
  /** `JIRA_PROJECT_KEY`, e.g. OPS. */
  readonly projectKey: string;
  /** `JIRA_ISSUE_TYPE`; default Bug. */
  readonly issueType?: string | undefined;
  /** `JIRA_DONE_TRANSITION`: the transition (or its target status) that closes an issue; default Done. */
  readonly doneTransition?: string | undefined;
  readonly fetch?: typeof fetch;
}

const Created = z.object({ key: z.string().min(1) });
const Transitions = z.object({ transitions: z.array(z.object({ id: z.string(), name: z.string(), to: z.object({ name: z.string() }).optional() })) });

/** Atlassian Document Format: one paragraph per non-empty line (a text node may not be empty). */
export function adfOf(text: string) {
  const paragraphs = text
    .split("\n")
    .map((line) => line.trimEnd())
    .filter((line) => line !== "")
    .map((line) => ({ type: "paragraph", content: [{ type: "text", text: line.slice(0, 32_000) }] }));
  return { version: 1, type: "doc", content: paragraphs.length > 0 ? paragraphs : [{ type: "paragraph", content: [] }] };
}

/**
 * Jira Cloud (REST v3, PROTOCOLS §18) as the ticket tracker: issues with an ADF
 * description, a priority by name and labels; comments; closing by the
 * configured transition, looked up by name every time (ids differ per workflow).
 */
export function createJiraIssues(options: JiraIssuesOptions): TicketTracker {
  const base = options.baseUrl.replace(/\/+$/, "");
  const headers = { Authorization: `Basic ${btoa(`${options.email}:${options.apiToken}`)}`, Accept: "application/json" };
  const call = (path: string, method: "POST" | "GET", body?: unknown) =>
    deliver(
      { url: `${base}${path}`, method, headers, ...(body !== undefined ? { body: JSON.stringify(body) } : {}), describe: "Jira" },
      options.fetch ? { fetch: options.fetch } : {},
    );
  const done = (options.doneTransition ?? "Done").toLowerCase();
  return {
    system: "jira",
    async open(ticket: NewTicket): Promise<OpenOutcome> {
      const outcome = await call("/rest/api/3/issue", "POST", {
        fields: {
          project: { key: options.projectKey },
          summary: ticket.title.replace(/\s+/g, " ").slice(0, 254),
          issuetype: { name: options.issueType ?? "Bug" },
          priority: { name: TICKET_PRIORITY[ticket.priority] },
          // Jira labels cannot hold spaces.
          labels: ticket.labels.map((label) => label.replace(/\s+/g, "-")),
          description: adfOf(ticket.body),
        },
      });
      if (outcome.kind !== "sent") return outcome;
      const created = Created.safeParse(answerJson(outcome));
      if (!created.success) return { kind: "permanent", reason: "Jira answered without an issue key" };
      return { kind: "opened", ref: { system: "jira", key: created.data.key, url: `${base}/browse/${created.data.key}` } };
    },
    comment(ref: TicketRef, body: string): Promise<DeliveryOutcome> {
      return call(`/rest/api/3/issue/${encodeURIComponent(ref.key)}/comment`, "POST", { body: adfOf(body) });
    },
    async close(ref: TicketRef): Promise<DeliveryOutcome> {
      const path = `/rest/api/3/issue/${encodeURIComponent(ref.key)}/transitions`;
      const listed = await call(path, "GET");
      if (listed.kind !== "sent") return listed;
      const transitions = Transitions.safeParse(answerJson(listed));
      if (!transitions.success) return { kind: "permanent", reason: "Jira listed no transitions" };
      const transition = transitions.data.transitions.find((t) => t.name.toLowerCase() === done || t.to?.name.toLowerCase() === done);
      if (!transition) {
        return {
          kind: "permanent",
          reason: `no transition named "${options.doneTransition ?? "Done"}" (JIRA_DONE_TRANSITION) from here; available: ${transitions.data.transitions.map((t) => t.name).join(", ") || "none"}`,
        };
      }
      return call(path, "POST", { transition: { id: transition.id } });
    },
  };
}
