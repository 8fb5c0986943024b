// A local server speaking the Jira Cloud REST API v3 reads and writes a ticket
// needs (PROTOCOLS §18): create, comment, list and perform transitions. It
// checks what Jira checks — basic auth (401), ADF documents for rich text
// (400 naming the field), known priorities and issue types, transitions valid
// from the issue's current status — and answers errors in Jira's shape.

import { startJsonServer } from "./json-server.ts";

export interface FakeJiraIssue {
  key: string;
  fields: Record<string, any>;
  status: string;
  comments: unknown[];
}

export interface FakeJira {
  readonly url: string;
  readonly email: string;
  readonly token: string;
  readonly issues: FakeJiraIssue[];
  close(): Promise<void>;
}

const WORKFLOW: Record<string, Array<{ id: string; name: string; to: string }>> = {
  "To Do": [
    { id: "11", name: "Start Progress", to: "In Progress" },
    { id: "31", name: "Done", to: "Done" },
  ],
  "In Progress": [{ id: "31", name: "Done", to: "Done" }],
  Done: [{ id: "41", name: "Reopen", to: "To Do" }],
};

const isAdf = (value: unknown) => {
  const doc = value as { version?: unknown; type?: unknown; content?: unknown } | null;
  return doc?.version === 1 && doc.type === "doc" && Array.isArray(doc.content);
};

/** A text node with empty text is refused by Jira's ADF validation. */
const hasEmptyText = (node: unknown): boolean =>
  Array.isArray(node)
    ? node.some(hasEmptyText)
    : node !== null && typeof node === "object"
      ? ((node as { type?: unknown }).type === "text" && !(node as { text?: string }).text) || Object.values(node).some(hasEmptyText)
      : false;

const errors = (status: number, errorMessages: string[], fieldErrors: Record<string, string> = {}) => [status, { errorMessages, errors: fieldErrors }] as const;

export async function startFakeJira(email = "ops@example.com", token = "jira-api-token-0123456789"): Promise<FakeJira> {
  const issues: FakeJiraIssue[] = [];
  const server = await startJsonServer((x) => {
    const reply = ([status, body]: readonly [number, unknown]) => x.send(status, body);
    // Read-back for tests that run where this process's memory is out of reach (workerd, wrangler dev).
    const readBack = /^\/_issues\/([A-Z][A-Z0-9_]*)$/.exec(x.path);
    if (readBack && x.method === "GET")
      return x.send(
        200,
        issues.filter((i) => i.key.startsWith(`${readBack[1]}-`)),
      );
    if (x.headers.authorization !== `Basic ${Buffer.from(`${email}:${token}`).toString("base64")}`) {
      return x.sendText(401, "Client must be authenticated to access this resource.");
    }
    const path = new URL(x.path, "http://jira").pathname;
    const body = (x.body ?? {}) as Record<string, any>;
    if (x.method === "POST" && path === "/rest/api/3/issue") {
      const f = body.fields ?? {};
      const fieldErrors: Record<string, string> = {};
      if (!f.project?.key) fieldErrors.project = "Specify a valid project ID or key";
      if (!f.summary) fieldErrors.summary = "You must specify a summary of the issue.";
      if (!["Bug", "Task", "Incident"].includes(f.issuetype?.name)) fieldErrors.issuetype = "Specify a valid issue type";
      if (f.priority && !["Highest", "High", "Medium", "Low", "Lowest"].includes(f.priority.name))
        fieldErrors.priority = "Specify the Priority (name) in the string format";
      if (f.description !== undefined && (!isAdf(f.description) || hasEmptyText(f.description)))
        fieldErrors.description = "Operation value must be an Atlassian Document (see the Atlassian Document Format)";
      if ((f.labels ?? []).some((l: string) => /\s/.test(l))) fieldErrors.labels = "The label must not contain spaces.";
      if (Object.keys(fieldErrors).length > 0) return reply(errors(400, [], fieldErrors));
      const issue = { key: `${f.project.key}-${issues.length + 1}`, fields: f, status: "To Do", comments: [] };
      issues.push(issue);
      return x.send(201, { id: String(10000 + issues.length), key: issue.key, self: `${server.url}/rest/api/3/issue/${10000 + issues.length}` });
    }
    const match = /^\/rest\/api\/3\/issue\/([^/]+)\/(comment|transitions)$/.exec(path);
    const issue = match ? issues.find((i) => i.key === decodeURIComponent(match[1]!)) : undefined;
    if (!match) return reply(errors(404, ["Not found"]));
    if (!issue) return reply(errors(404, ["Issue does not exist or you do not have permission to see it."]));
    if (match[2] === "comment" && x.method === "POST") {
      if (!isAdf(body.body) || hasEmptyText(body.body)) return reply(errors(400, [], { comment: "Comment body is not valid ADF" }));
      issue.comments.push(body.body);
      return x.send(201, { id: String(issue.comments.length), body: body.body });
    }
    const available = WORKFLOW[issue.status] ?? [];
    if (match[2] === "transitions" && x.method === "GET") {
      return x.send(200, {
        transitions: available.map((t) => ({ id: t.id, name: t.name, to: { id: t.id, name: t.to }, hasScreen: false, isAvailable: true })),
      });
    }
    if (match[2] === "transitions" && x.method === "POST") {
      const chosen = available.find((t) => t.id === body.transition?.id);
      if (!chosen) return reply(errors(400, [`Transition id '${String(body.transition?.id)}' is not valid for this issue.`]));
      issue.status = chosen.to;
      return x.sendText(204, "");
    }
    return reply(errors(405, ["Method not allowed"]));
  });
  return { url: server.url, email, token, issues, close: server.close };
}
