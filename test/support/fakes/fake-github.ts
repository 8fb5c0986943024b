// A local server speaking the GitHub Issues REST API (PROTOCOLS §17): create,
// comment, update. It checks what GitHub checks — a User-Agent (403 without),
// the bearer token (401), the API version header (400 for an unknown one), a
// title (422), the 65,536-character body limit (422) — and can play a rate
// limit (429 with retry-after). Tests read back the issues and comments.

import { startJsonServer } from "./json-server.ts";

export interface FakeIssue {
  number: number;
  title: string;
  body: string;
  labels: string[];
  state: "open" | "closed";
  state_reason: string | null;
  comments: string[];
}

export interface FakeGitHub {
  readonly url: string;
  readonly token: string;
  readonly issues: Map<string, FakeIssue[]>;
  readonly requests: Array<{ method: string; path: string }>;
  /** The next `n` requests answer 429 with `retry-after: seconds`. */
  rateLimit(n: number, seconds: number): void;
  close(): Promise<void>;
}

const error = (message: string, extra: Record<string, unknown> = {}) => ({ message, documentation_url: "https://docs.github.com/rest", ...extra });

export async function startFakeGitHub(token = "ghp_fake_token_0123456789"): Promise<FakeGitHub> {
  const issues = new Map<string, FakeIssue[]>();
  const requests: FakeGitHub["requests"] = [];
  let limited = 0;
  let limitSeconds = 1;
  const server = await startJsonServer((x) => {
    // Read-back for tests that run where this process's memory is out of reach (workerd, wrangler dev).
    const readBack = /^\/_issues\/([^/]+\/[^/?]+)/.exec(x.path);
    if (readBack && x.method === "GET") return x.send(200, issues.get(readBack[1]!) ?? []);
    requests.push({ method: x.method, path: x.path });
    if (!x.headers["user-agent"]) return x.send(403, error("Request forbidden by administrative rules. Please make sure your request has a User-Agent header"));
    const version = x.headers["x-github-api-version"];
    if (version !== undefined && version !== "2022-11-28" && version !== "2026-03-10") return x.send(400, error(`Unsupported API version ${version}`));
    if (x.headers.authorization !== `Bearer ${token}` && x.headers.authorization !== `token ${token}`) return x.send(401, error("Bad credentials"));
    if (limited > 0) {
      limited -= 1;
      return x.send(429, error("You have exceeded a secondary rate limit"), { "retry-after": String(limitSeconds) });
    }
    const match = /^\/repos\/([^/]+\/[^/]+)\/issues(?:\/(\d+))?(\/comments)?$/.exec(new URL(x.path, "http://github").pathname);
    if (!match) return x.send(404, error("Not Found"));
    const [, repo, number, comments] = match as unknown as [string, string, string | undefined, string | undefined];
    const list = issues.get(repo) ?? [];
    issues.set(repo, list);
    const body = (x.body ?? {}) as Record<string, unknown>;
    const tooLong = typeof body.body === "string" && body.body.length > 65_536;
    const invalid = (field: string, message: string) =>
      x.send(422, error("Validation Failed", { errors: [{ resource: comments ? "IssueComment" : "Issue", code: "custom", field, message }] }));
    if (tooLong) return invalid("body", "body is too long (maximum is 65536 characters)");
    if (!number && x.method === "POST") {
      if (typeof body.title !== "string" || body.title === "") return invalid("title", "title is missing");
      const issue: FakeIssue = {
        number: list.length + 1,
        title: body.title,
        body: typeof body.body === "string" ? body.body : "",
        labels: Array.isArray(body.labels) ? body.labels.map(String) : [],
        state: "open",
        state_reason: null,
        comments: [],
      };
      list.push(issue);
      return x.send(201, { id: 1000 + issue.number, number: issue.number, html_url: `https://github.com/${repo}/issues/${issue.number}`, state: "open" });
    }
    const issue = list.find((i) => i.number === Number(number));
    if (!issue) return x.send(404, error("Not Found"));
    if (comments && x.method === "POST") {
      if (typeof body.body !== "string" || body.body === "") return invalid("body", "body is missing");
      issue.comments.push(body.body);
      return x.send(201, {
        id: 5000 + issue.comments.length,
        html_url: `https://github.com/${repo}/issues/${issue.number}#issuecomment-${issue.comments.length}`,
      });
    }
    if (!comments && x.method === "PATCH") {
      if (body.state === "open" || body.state === "closed") issue.state = body.state;
      if (typeof body.state_reason === "string") issue.state_reason = body.state_reason;
      return x.send(200, { number: issue.number, state: issue.state, state_reason: issue.state_reason });
    }
    return x.send(404, error("Not Found"));
  });
  return {
    url: server.url,
    token,
    issues,
    requests,
    rateLimit: (n, seconds) => {
      limited = n;
      limitSeconds = seconds;
    },
    close: server.close,
  };
}
