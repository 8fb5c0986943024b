// Issue #18 in approve: the daily digest (on demand and from the cron, once a
// day) and the hourly word on repeats for an open incident's ticket.
import { createScheduledController } from "cloudflare:test";
import { afterAll, describe, expect, it } from "vitest";
import type { Env } from "../../../functions/approve/src/env.ts";
import worker from "../../../functions/approve/src/index.ts";
import { createIncidentTickets } from "../../../shared/adapters/neon-kysely-incident-tickets.ts";
import { Digest } from "../../../shared/contracts/digest.ts";
import { DigestReadyV1, TicketRepeatedV1 } from "../../../shared/contracts/queue.ts";
import { dbForTests, redisForTests, testEnv } from "../../support/worker/env.ts";
import { recordingEnv, request, seedNotifyOnlyIncident } from "./support.ts";

const db = dbForTests();
afterAll(() => db.destroy());

const MINUTE = 60_000;

async function sweepAt(at: number, vars: Record<string, string> = {}) {
  const recording = recordingEnv(vars);
  await worker.scheduled!(createScheduledController({ scheduledTime: at, cron: "* * * * *" }), recording.env as unknown as Env);
  return recording.notify.sent as unknown[];
}

const digestsIn = (sent: unknown[]) => sent.flatMap((m) => (DigestReadyV1.safeParse(m).success ? [DigestReadyV1.parse(m)] : []));
const repeatsFor = (sent: unknown[], incidentId: string) =>
  sent.flatMap((m) => {
    const parsed = TicketRepeatedV1.safeParse(m);
    return parsed.success && parsed.data.payload.incident_id === incidentId ? [parsed.data] : [];
  });

describe("POST /api/v1/digest/run", () => {
  it("composes the last 24 h, hands it to notify once, and answers it; a quiet incident of the day is listed", async () => {
    const quietId = await seedNotifyOnlyIncident(db, "P3");
    const recording = recordingEnv();
    const response = await request(
      "https://awoooi.test/api/v1/digest/run",
      { method: "POST", headers: { Authorization: `Bearer ${testEnv.OPS_TOKEN}`, "X-Request-Id": "digest-req-1" } },
      recording.env,
    );
    expect(response.status).toBe(202);
    const digest = Digest.parse(await response.json());
    expect(digest.quiet.map((q) => q.incident_id)).toContain(quietId);
    expect(digest.incidents.total).toBeGreaterThanOrEqual(1);
    const [sent, ...more] = digestsIn(recording.notify.sent);
    expect(more).toHaveLength(0);
    expect(sent?.payload).toEqual(digest);
    expect(sent?.correlationId).toBe("digest-req-1");
  });

  it("refuses without the ops token and sends nothing", async () => {
    const recording = recordingEnv();
    const response = await request("https://awoooi.test/api/v1/digest/run", { method: "POST" }, recording.env);
    expect(response.status).toBe(401);
    expect(((await response.json()) as { error: { code: string } }).error.code).toBe("unauthorized");
    expect(recording.notify.sent).toHaveLength(0);
  });
});

describe("the digest cron", () => {
  // A day long past, so no other test's incidents fall into its window.
  const day = Date.parse("2020-03-04T00:00:00Z");

  it("sends nothing before DIGEST_AT, then the day's digest once, and nothing with DIGEST_AT=off", async () => {
    expect(digestsIn(await sweepAt(day + 7 * 60 * MINUTE + 59 * MINUTE, { DIGEST_AT: "08:00" }))).toHaveLength(0);
    const [first, ...more] = digestsIn(await sweepAt(day + 8 * 60 * MINUTE, { DIGEST_AT: "08:00" }));
    expect(more).toHaveLength(0);
    expect(first?.id).toBe("digest:2020-03-04");
    expect(first?.payload.day).toBe("2020-03-04");
    expect(digestsIn(await sweepAt(day + 9 * 60 * MINUTE, { DIGEST_AT: "08:00" }))).toHaveLength(0);
    expect(digestsIn(await sweepAt(day + 86_400_000 + 9 * 60 * MINUTE, { DIGEST_AT: "off" }))).toHaveLength(0);
  });
});

describe("repeats on an open incident's ticket", () => {
  it("are reported at most once an hour, with the hit count then and the count the ticket last heard", async () => {
    const now = Date.now();
    const incidentId = await seedNotifyOnlyIncident(db, "P2");
    const ticket = { system: "github" as const, key: "7", url: "https://github.com/acme/platform/issues/7" };
    expect(await createIncidentTickets(db).attach(incidentId, ticket, new Date(now - 2 * 60 * MINUTE))).toBe(true);
    const hits = (n: number) => redisForTests().hset(`awoooi:incident:${incidentId}`, { hits: n, first_seen: now - 3 * 60 * MINUTE, last_seen: now - MINUTE });

    await hits(5);
    const [first, ...more] = repeatsFor(await sweepAt(now), incidentId);
    expect(more).toHaveLength(0);
    expect(first?.payload).toMatchObject({ ticket, hit_count: 5, reported_hits: 1 });

    await hits(9);
    expect(repeatsFor(await sweepAt(now + 30 * MINUTE), incidentId)).toHaveLength(0);
    const [second] = repeatsFor(await sweepAt(now + 61 * MINUTE), incidentId);
    expect(second?.payload).toMatchObject({ hit_count: 9, reported_hits: 5 });

    // Without new hits the ticket hears nothing, and waits another hour.
    expect(repeatsFor(await sweepAt(now + 125 * MINUTE), incidentId)).toHaveLength(0);
  });

  it("attaches a ticket to an incident once: a second reference is refused", async () => {
    const incidentId = await seedNotifyOnlyIncident(db, "P2");
    const tickets = createIncidentTickets(db);
    expect(await tickets.attach(incidentId, { system: "jira", key: "OPS-1", url: "https://x.atlassian.net/browse/OPS-1" }, new Date())).toBe(true);
    expect(await tickets.attach(incidentId, { system: "jira", key: "OPS-2", url: "https://x.atlassian.net/browse/OPS-2" }, new Date())).toBe(false);
    expect((await tickets.get(incidentId))?.key).toBe("OPS-1");
  });
});
