import { describe, expect, it } from "vitest";
import { NotifyConfig } from "../../../functions/notify/src/env.ts";
import { DEV_DEFAULTS } from "../../../scripts/lib/dev-defaults.ts";

const base = { ...DEV_DEFAULTS, UPSTASH_REDIS_REST_URL: "https://redis.example", UPSTASH_REDIS_REST_TOKEN: "t", PUBLIC_BASE_URL: "https://awoooi.example" };

/** The variables a configuration is refused for, with the message each gets. */
function refusals(vars: Record<string, string>): string[] {
  const parsed = NotifyConfig.safeParse({ ...base, ...vars });
  return parsed.success ? [] : parsed.error.issues.map((issue) => `${issue.path.join(".")}: ${issue.message}`);
}

describe("notify's ticket, mail, quiet and Slack category settings", () => {
  it("names each variable a ticket system needs", () => {
    expect(refusals({ TICKET_SYSTEM: "github", DATABASE_URL: "postgres://x/y" })).toEqual([
      "GITHUB_TOKEN: is required when TICKET_SYSTEM=github",
      "GITHUB_REPOSITORY: is required when TICKET_SYSTEM=github",
    ]);
    expect(refusals({ TICKET_SYSTEM: "jira", DATABASE_URL: "postgres://x/y", JIRA_BASE_URL: "https://acme.atlassian.net", JIRA_EMAIL: "a@b.c" })).toEqual([
      "JIRA_API_TOKEN: is required when TICKET_SYSTEM=jira",
      "JIRA_PROJECT_KEY: is required when TICKET_SYSTEM=jira",
    ]);
    expect(refusals({ TICKET_SYSTEM: "github", GITHUB_TOKEN: "ghp_x", GITHUB_REPOSITORY: "acme/platform" })).toEqual([
      "DATABASE_URL: is required when TICKET_SYSTEM is set (tickets are recorded on the incident)",
    ]);
    expect(refusals({ TICKET_SYSTEM: "gitlab" })).toEqual(["TICKET_SYSTEM: must be github, jira or none"]);
    expect(refusals({ TICKET_SYSTEM: "github", GITHUB_TOKEN: "ghp_x", GITHUB_REPOSITORY: "platform", DATABASE_URL: "postgres://x/y" })).toEqual([
      "GITHUB_REPOSITORY: must be owner/repo",
    ]);
  });

  it("names what SMTP mail is missing, and a bad address in EMAIL_TO", () => {
    expect(refusals({ SMTP_HOST: "smtp.example.com" })).toEqual(["SMTP_FROM: is required when SMTP_HOST is set"]);
    expect(refusals({ EMAIL_TO: "oncall@example.com" })).toEqual(["SMTP_HOST: is required when EMAIL_TO or SMTP_FROM is set"]);
    expect(refusals({ SMTP_HOST: "smtp.example.com", SMTP_FROM: "a@example.com", EMAIL_TO: "oncall@example.com, nobody" })).toEqual([
      'EMAIL_TO: must list e-mail addresses separated by commas ("nobody" is not one)',
    ]);
    expect(refusals({ SMTP_HOST: "smtp.example.com", SMTP_FROM: "a@example.com", SMTP_SECURE: "ssl" })).toEqual(["SMTP_SECURE: must be none, starttls or tls"]);
  });

  it("defaults to P3 being quiet, takes an empty list for none, and refuses an unknown priority", () => {
    expect(NotifyConfig.parse(base).QUIET_PRIORITIES).toEqual(new Set(["P3"]));
    expect(NotifyConfig.parse({ ...base, QUIET_PRIORITIES: "" }).QUIET_PRIORITIES).toEqual(new Set());
    expect(refusals({ QUIET_PRIORITIES: "P5" })).toEqual(["QUIET_PRIORITIES: must list priorities such as P3 (or be empty)"]);
    expect(refusals({ SLACK_CHANNEL_P0: "#p0-war-room" })).toEqual(["SLACK_CHANNEL_P0: must be a channel id such as C0123ABCD"]);
  });
});
