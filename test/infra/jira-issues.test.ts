// The Jira Cloud ticket adapter against a stand-in that checks what Jira
// checks: ADF bodies, known priorities, transitions valid from the status.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { adfOf, createJiraIssues } from "../../shared/adapters/jira-issues.ts";
import { type FakeJira, startFakeJira } from "../support/fakes/fake-jira.ts";

let jira: FakeJira;
beforeAll(async () => {
  jira = await startFakeJira();
});
afterAll(() => jira?.close());

const tracker = (overrides: Partial<Parameters<typeof createJiraIssues>[0]> = {}) =>
  createJiraIssues({ baseUrl: jira.url, email: jira.email, apiToken: jira.token, projectKey: "OPS", ...overrides });
const ticket = {
  title: "[P1] HighCpuLoad on production/search",
  body: "**HighCpuLoad**\n\n- Root cause: a hot loop\n",
  priority: "P1" as const,
  labels: ["awoooi", "priority:P1"],
};

describe("Jira Cloud as the ticket tracker", () => {
  it("opens an issue with an ADF description and the priority by name, comments, and closes it through the Done transition", async () => {
    const opened = await tracker().open(ticket);
    expect(opened).toEqual({ kind: "opened", ref: { system: "jira", key: "OPS-1", url: `${jira.url}/browse/OPS-1` } });
    if (opened.kind !== "opened") return;
    expect(jira.issues[0]?.fields).toMatchObject({
      summary: ticket.title,
      priority: { name: "High" },
      issuetype: { name: "Bug" },
      labels: ["awoooi", "priority:P1"],
    });
    expect((await tracker().comment(opened.ref, "seen 4 more times")).kind).toBe("sent");
    expect((await tracker().close(opened.ref)).kind).toBe("sent");
    expect(jira.issues[0]).toMatchObject({ status: "Done", comments: [adfOf("seen 4 more times")] });
  });

  it("names the missing transition and the ones there are when JIRA_DONE_TRANSITION does not exist", async () => {
    const opened = await tracker().open(ticket);
    if (opened.kind !== "opened") throw new Error("not opened");
    expect(await tracker({ doneTransition: "Resolve" }).close(opened.ref)).toEqual({
      kind: "permanent",
      reason: 'no transition named "Resolve" (JIRA_DONE_TRANSITION) from here; available: Start Progress, Done',
    });
  });

  it("refuses with Jira's own words for a wrong issue type, and for bad credentials", async () => {
    expect(await tracker({ issueType: "Epic Saga" }).open(ticket)).toMatchObject({
      kind: "permanent",
      reason: expect.stringContaining("Specify a valid issue type"),
    });
    expect(await tracker({ apiToken: "wrong" }).open(ticket)).toMatchObject({ kind: "permanent", reason: expect.stringContaining("401") });
  });

  it("writes ADF without empty text nodes", () => {
    expect(adfOf("a\n\n b \n")).toEqual({
      version: 1,
      type: "doc",
      content: [
        { type: "paragraph", content: [{ type: "text", text: "a" }] },
        { type: "paragraph", content: [{ type: "text", text: " b" }] },
      ],
    });
  });
});
