import { describe, expect, it } from "vitest";
import { type Delivery, planDeliveries } from "../../../../shared/domain/notify/live.ts";
import type { Target } from "../../../../shared/domain/notify/routing.ts";
import type { LiveMessage } from "../../../../shared/ports/live-messages.ts";

const team: Target = { channel: "telegram", recipient: "chat:-1001", chatId: "-1001", links: [], decisionButtons: true };
const aliceDm: Target = {
  channel: "telegram",
  recipient: "approver:alice",
  chatId: "7001",
  links: [{ approver: "alice", url: "https://x/approve" }],
  decisionButtons: false,
};
const slackChannel: Target = { channel: "slack-app", recipient: "channel:C0ALERTS", channelId: "C0ALERTS", decisionButtons: true };
const bobSlackDm: Target = { channel: "slack-dm", recipient: "approver:bob", userId: "U0BOB", links: [] };
const pager: Target = { channel: "pagerduty", recipient: "events", action: "trigger" };
const inbox: Target = { channel: "dev-inbox", recipient: "inbox", links: [] };

const live = (recipient: string, origin = "notify:admitted", channel: LiveMessage["channel"] = "telegram"): LiveMessage => ({
  channel,
  recipient,
  chat: recipient.split(":")[1]!,
  messageId: "41",
  origin,
  ...(recipient.startsWith("approver:") ? { approver: recipient.slice(9) } : {}),
});

const describeAll = (deliveries: Delivery[]) =>
  deliveries.map((d) => (d.mode === "edit" ? `edit ${d.message.channel}:${d.message.recipient}` : `${d.mode} ${d.target.channel}:${d.target.recipient}`));

describe("planDeliveries: edit the live message, don't pile up new ones", () => {
  it("announces an admission where nothing is live, and stays quiet where the verdict got there first", () => {
    expect(describeAll(planDeliveries("admitted", "m1", [team, slackChannel, pager], [live("chat:-1001", "verdict")]))).toEqual([
      "send slack-app:channel:C0ALERTS",
      "send pagerduty:events",
    ]);
  });

  it("turns the admission message into the verdict in place, and sends to places without one (an approver's own chat)", () => {
    const plan = planDeliveries("approval_requested", "m2", [team, aliceDm, pager], [live("chat:-1001")]);
    expect(describeAll(plan)).toEqual(["edit telegram:chat:-1001", "send telegram:approver:alice", "send pagerduty:events"]);
  });

  it("never edits what the same message sent: a redelivery re-sends as itself, so the ledger skips it", () => {
    const plan = planDeliveries("approval_requested", "m2", [team, aliceDm], [live("chat:-1001", "m2"), live("approver:alice", "m2")]);
    expect(describeAll(plan)).toEqual(["send telegram:chat:-1001", "send telegram:approver:alice"]);
  });

  it("shows a signature by editing every live message, personal ones included, and adds nothing to chats", () => {
    const plan = planDeliveries("signed", "m3", [inbox], [live("chat:-1001"), live("approver:alice"), live("approver:bob", "m2", "slack-app")]);
    expect(describeAll(plan)).toEqual(["edit telegram:chat:-1001", "edit telegram:approver:alice", "edit slack-app:approver:bob", "notice dev-inbox:inbox"]);
  });

  it("announces a decision briefly in team places that have the live message, in full where none is", () => {
    const plan = planDeliveries("decided", "m4", [team, slackChannel, inbox], [live("chat:-1001"), live("approver:alice")]);
    expect(describeAll(plan)).toEqual([
      "edit telegram:chat:-1001",
      "edit telegram:approver:alice",
      "notice telegram:chat:-1001",
      "send slack-app:channel:C0ALERTS",
      "send dev-inbox:inbox",
    ]);
  });

  it("edits an approver's own message on a result without sending them another", () => {
    const plan = planDeliveries("execution_result", "m5", [team, aliceDm], [live("chat:-1001"), live("approver:alice")]);
    expect(describeAll(plan)).toEqual(["edit telegram:chat:-1001", "edit telegram:approver:alice", "notice telegram:chat:-1001"]);
  });

  it("sends escalations as new messages: they exist to reach people", () => {
    const plan = planDeliveries("escalated", "m6", [team, bobSlackDm], [live("chat:-1001"), live("approver:bob", "m2", "slack-app")]);
    expect(describeAll(plan)).toEqual(["send telegram:chat:-1001", "send slack-dm:approver:bob"]);
  });
});
