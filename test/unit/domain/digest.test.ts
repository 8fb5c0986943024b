import { describe, expect, it } from "vitest";
import { type DigestIncidentRow, type DigestInput, digestDue, digestOf } from "../../../shared/domain/digest.ts";
import { renderDigestTelegram, renderDigestText } from "../../../shared/domain/notify/digest.ts";

const TO = new Date("2026-12-01T08:00:00Z");
const at = (minutesBefore: number) => new Date(TO.getTime() - minutesBefore * 60_000);

const incident = (id: string, fingerprint: string, priority: DigestIncidentRow["priority"], source: string, minutesBefore: number): DigestIncidentRow => ({
  id,
  fingerprint,
  title: `Alert-${id} on prod/${id}`,
  priority,
  source,
  status: "analyzed",
  openedAt: at(minutesBefore),
});

function input(overrides: Partial<DigestInput> = {}): DigestInput {
  return {
    from: new Date(TO.getTime() - 86_400_000),
    to: TO,
    incidents: [
      incident("a", "fa", "P0", "alertmanager", 600),
      incident("b", "fb", "P3", "grafana", 300),
      incident("c", "fb", "P3", "grafana", 60),
      incident("d", "fd", "P2", "alertmanager", 30),
    ],
    hits: new Map([
      ["a", 3],
      ["b", 40],
      ["c", 2],
    ]),
    automaticRuns: [
      { dryRun: false, status: "succeeded" },
      { dryRun: false, status: "failed" },
      { dryRun: true, status: "succeeded" },
    ],
    pending: [
      {
        approvalId: "00000000-0000-4000-8000-000000000002",
        incidentId: "00000000-0000-4000-8000-00000000000a",
        title: "later",
        priority: "P1",
        createdAt: at(10),
      },
      {
        approvalId: "00000000-0000-4000-8000-000000000001",
        incidentId: "00000000-0000-4000-8000-00000000000b",
        title: "older",
        priority: "P0",
        createdAt: at(90),
      },
    ],
    settlements: [
      { at: at(100), mode: "auto" },
      { at: at(50), mode: "auto" },
      { at: at(20), mode: "auto" },
      { at: at(10), mode: "human" },
    ],
    resolutions: [
      { priority: "P0", openedAt: at(120), resolvedAt: at(60), mode: "human" },
      { priority: "P3", openedAt: at(40), resolvedAt: at(20), mode: "auto" },
    ],
    quietPriorities: new Set(["P3"]),
    ...overrides,
  };
}

describe("the daily digest", () => {
  it("counts the day's incidents by priority and source, and what ran by itself apart from dry runs", () => {
    const d = digestOf(input());
    expect(d.day).toBe("2026-12-01");
    expect(d.incidents).toEqual({ total: 4, by_priority: { P0: 1, P1: 0, P2: 1, P3: 2 }, by_source: { alertmanager: 2, grafana: 2 } });
    expect(d.automatic).toEqual({ runs: 2, succeeded: 1, failed: 1, dry_runs: 1 });
    expect(d.autonomy_index).toBe(75);
    expect(d.mttr_seconds).toBe(2_400);
  });

  it("lists what waits oldest first with how long, what was quiet newest first, and the noisiest fingerprints by hits", () => {
    const d = digestOf(input());
    expect(d.pending.map((p) => [p.title, p.waiting_minutes])).toEqual([
      ["older", 90],
      ["later", 10],
    ]);
    expect(d.quiet.map((q) => q.incident_id)).toEqual(["c", "b"]);
    expect(d.quiet_total).toBe(2);
    // fb: 40 + 2 hits over two incidents; an incident Redis forgot counts once.
    expect(d.noisiest.map((n) => [n.fingerprint, n.hits])).toEqual([
      ["fb", 42],
      ["fa", 3],
      ["fd", 1],
    ]);
  });

  it("counts an incident whose source dated its opening after its resolution (skewed clocks) as resolved at once, never negative", () => {
    const d = digestOf(input({ resolutions: [{ priority: "P2", openedAt: at(5), resolvedAt: at(10), mode: "human" }] }));
    expect(d.mttr_seconds).toBe(0);
  });

  it("says so when nothing happened, rather than printing empty figures", () => {
    const d = digestOf(input({ incidents: [], automaticRuns: [], pending: [], settlements: [], resolutions: [] }));
    const text = renderDigestText(d);
    expect(d.autonomy_index).toBeNull();
    expect(text).toContain("No automatic fix ran.");
    expect(text).toContain("Nothing waits for a decision.");
    expect(text).toContain("Autonomy index n/a (nothing settled) · MTTR n/a (nothing resolved)");
  });

  it("escapes incident titles in the Telegram digest", () => {
    const d = digestOf(input({ incidents: [{ ...incident("x", "fx", "P3", "e2e", 5), title: "<b>bold</b> & co" }] }));
    expect(renderDigestTelegram(d).text).toContain("&lt;b&gt;bold&lt;/b&gt; &amp; co");
  });

  it("is due once the UTC clock passes DIGEST_AT, for that day", () => {
    expect(digestDue(new Date("2026-12-01T07:59:59Z"), { hour: 8, minute: 0 })).toBeUndefined();
    expect(digestDue(new Date("2026-12-01T08:00:00Z"), { hour: 8, minute: 0 })).toBe("2026-12-01");
    expect(digestDue(new Date("2026-12-01T23:59:00Z"), { hour: 8, minute: 0 })).toBe("2026-12-01");
  });
});
