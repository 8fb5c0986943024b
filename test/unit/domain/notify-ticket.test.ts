import { describe, expect, it } from "vitest";
import { TICKET_PRIORITY, ticketOf } from "../../../shared/domain/notify/ticket.ts";
import { notificationView } from "../../../shared/domain/notify/view.ts";
import { rulesVerdict } from "../../../shared/domain/rules-provider.ts";
import { normalizedAlert } from "../../support/fixtures/messages.ts";

function view(alert: Parameters<typeof normalizedAlert>[0] = {}) {
  const a = normalizedAlert(alert);
  return notificationView(
    {
      kind: "approval_requested",
      incident_id: "6f1c2d3e-0000-4000-8000-000000000001",
      approval_id: "6f1c2d3e-0000-4000-8000-000000000002",
      fingerprint: "0123456789abcdef",
      alert: a,
      rca: rulesVerdict(a),
      required_signatures: 2,
      expires_at: 1_900_000_000,
      reasons: ["risk high"],
      signatures: [],
    },
    undefined,
  );
}

describe("the ticket an incident opens", () => {
  it("is titled with the priority, the alert and its target, and labelled with its priority", () => {
    const ticket = ticketOf(view({ priority: "P0", severity: "critical" }));
    expect(ticket.title).toBe("[P0] PodCrashLoopBackOff on production/api-server-7d4b8c9f5-xk2m3");
    expect(ticket.labels).toEqual(["awoooi", "priority:P0"]);
    expect(ticket.priority).toBe("P0");
    expect(TICKET_PRIORITY[ticket.priority]).toBe("Highest");
  });

  it("carries the verdict and the incident's ids, and never a signing link (tickets are shared places)", () => {
    const ticket = ticketOf(view());
    expect(ticket.body).toContain("Root cause:");
    expect(ticket.body).toContain("Incident `6f1c2d3e-0000-4000-8000-000000000001` · fingerprint `0123456789abcdef`");
    expect(ticket.body).not.toMatch(/approver=|sig=/);
  });

  it("labels a scanner's finding as security", () => {
    expect(ticketOf(view({ source: "scanner", alert_type: "CVE-2026-1337 in openssl" })).labels).toContain("security");
  });
});
