// The GitHub Issues ticket adapter against a stand-in that checks what GitHub
// checks: open, comment, close; rate limits as waits; refusals as final.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createGitHubIssues } from "../../shared/adapters/github-issues.ts";
import { type FakeGitHub, startFakeGitHub } from "../support/fakes/fake-github.ts";

let github: FakeGitHub;
beforeAll(async () => {
  github = await startFakeGitHub();
});
afterAll(() => github?.close());

const tracker = (token = github.token, repository = "acme/ops") => createGitHubIssues({ token, repository, apiUrl: github.url });
const ticket = { title: "[P0] PodCrashLoopBackOff on production/api", body: "the verdict", priority: "P0" as const, labels: ["awoooi", "priority:P0"] };

describe("GitHub Issues as the ticket tracker", () => {
  it("opens an issue and answers its number and page, comments on it, and closes it as completed", async () => {
    const opened = await tracker().open(ticket);
    expect(opened).toEqual({ kind: "opened", ref: { system: "github", key: "1", url: "https://github.com/acme/ops/issues/1" } });
    if (opened.kind !== "opened") return;
    expect((await tracker().comment(opened.ref, "seen 3 more times")).kind).toBe("sent");
    expect((await tracker().close(opened.ref)).kind).toBe("sent");
    expect(github.issues.get("acme/ops")?.[0]).toMatchObject({
      title: ticket.title,
      labels: ["awoooi", "priority:P0"],
      comments: ["seen 3 more times"],
      state: "closed",
      state_reason: "completed",
    });
    expect(github.requests.slice(-1)[0]).toEqual({ method: "PATCH", path: "/repos/acme/ops/issues/1" });
  });

  it("cuts a body past GitHub's 65,536-character limit instead of being refused", async () => {
    const opened = await tracker().open({ ...ticket, body: "x".repeat(70_000) });
    expect(opened.kind).toBe("opened");
    const stored = github.issues.get("acme/ops")!.at(-1)!;
    expect(stored.body.length).toBeLessThanOrEqual(65_536);
    expect(stored.body).toContain("cut to fit GitHub's limit");
  });

  it("waits as a rate limit says, and treats bad credentials and a missing repository as final", async () => {
    github.rateLimit(1, 7);
    expect(await tracker().open(ticket)).toMatchObject({ kind: "retry", afterSeconds: 7 });
    expect(await tracker("wrong-token").open(ticket)).toMatchObject({ kind: "permanent", reason: expect.stringContaining("401") });
    expect(await tracker().comment({ system: "github", key: "999", url: "" }, "x")).toMatchObject({
      kind: "permanent",
      reason: expect.stringContaining("404"),
    });
  });

  it("retries when GitHub cannot be reached", async () => {
    const unreachable = createGitHubIssues({ token: github.token, repository: "acme/ops", apiUrl: "http://127.0.0.1:9" });
    expect(await unreachable.open(ticket)).toMatchObject({ kind: "retry", reason: expect.stringContaining("GitHub unreachable") });
  });
});
