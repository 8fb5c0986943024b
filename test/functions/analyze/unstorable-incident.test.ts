// An admitted alert whose incident can never be stored must not leave Redis
// pointing its fingerprint at an incident that does not exist.
import { afterAll, describe, expect, it } from "vitest";
import { createUpstashAlertIndex } from "../../../shared/adapters/upstash-alert-index.ts";
import type { Fingerprint } from "../../../shared/contracts/alert.ts";
import { analyzeRequested } from "../../support/fixtures/messages.ts";
import { dbForTests, redisForTests } from "../../support/worker/env.ts";
import { consumerHarness } from "./support.ts";

const db = dbForTests();
afterAll(() => db.destroy());
const index = createUpstashAlertIndex(redisForTests());
const hex16 = () => crypto.randomUUID().replaceAll("-", "").slice(0, 16) as Fingerprint;

/** Admits one sighting of `fingerprint` as ingest would; answers the incident it landed on. */
async function admit(fingerprint: Fingerprint) {
  const result = await index.admit(
    [
      {
        fingerprint,
        candidateIncidentId: crypto.randomUUID(),
        status: "firing",
        stormGroup: `unstorable-${fingerprint}`,
        stormFingerprint: hex16(),
        stormCandidateId: crypto.randomUUID(),
      },
    ],
    {
      source: `test-${fingerprint}`,
      rateLimitPerMinute: 1_000,
      overLimit: "refuse",
      overflowFingerprint: hex16(),
      overflowCandidateId: crypto.randomUUID(),
      stormThreshold: 100,
    },
    Date.now(),
  );
  if (result.kind !== "admitted") throw new Error("refused");
  return result.admissions[0]!;
}

const incidentRow = (id: string) => db.selectFrom("incidents").select("id").where("id", "=", id).executeTakeFirst();

describe("an incident analyze cannot store", () => {
  it("releases the fingerprint and dead-letters at once with the reason when Postgres refuses the data", async () => {
    const fingerprint = hex16();
    const opened = await admit(fingerprint);
    expect(opened.event).toBe("opened");
    // A NUL slipped past ingest (an older webhook-receive, a hand-made message): jsonb refuses it.
    const message = analyzeRequested({ incidentId: opened.incidentId!, fingerprint, alert: { message: "a\u0000b" } });
    const { deadLetters, classify, run } = consumerHarness();
    const { result } = await run([message]);

    expect(result.explicitAcks).toHaveLength(1);
    expect(result.retryMessages).toHaveLength(0);
    expect(deadLetters.sent).toHaveLength(1);
    expect(deadLetters.sent[0]!.payload.reason).toMatch(/could not be stored .*Postgres refused the data.*fingerprint [0-9a-f]{16} released/);
    expect(classify.sent).toHaveLength(0);
    expect(await incidentRow(opened.incidentId!)).toBeUndefined();

    // The next sighting opens a new incident instead of aggregating into nothing.
    const next = await admit(fingerprint);
    expect(next).toMatchObject({ event: "opened", status: "accepted" });
    expect(next.incidentId).not.toBe(opened.incidentId);
  });

  it("retries a store failure while deliveries remain, and releases on the queue's last delivery", async () => {
    const fingerprint = hex16();
    const opened = await admit(fingerprint);
    const message = analyzeRequested({ incidentId: opened.incidentId!, fingerprint });
    // Postgres unreachable: a closed port behind the bridge address.
    const down = consumerHarness({ NEON_WS_PROXY: "127.0.0.1:9/v1" });

    const early = await down.run([message]);
    expect(early.result.retryMessages).toHaveLength(1);
    expect((await admit(fingerprint)).incidentId).toBe(opened.incidentId);

    const last = await down.run([message], 6);
    expect(last.result.explicitAcks).toHaveLength(1);
    expect(down.deadLetters.sent[0]!.payload.reason).toMatch(/after 6 deliveries.*released/);
    expect((await admit(fingerprint)).event).toBe("opened");
  });
});
