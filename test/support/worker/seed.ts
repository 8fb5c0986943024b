import type { Kysely } from "kysely";
import type { Database } from "../../../shared/adapters/neon-kysely-db.ts";
import { createIncidentStore } from "../../../shared/adapters/neon-kysely-incident-store.ts";
import type { ClassifyRequestedV1 } from "../../../shared/contracts/queue.ts";
import type { Rca } from "../../../shared/contracts/rca.ts";
import { rulesVerdict } from "../../../shared/domain/rules-provider.ts";
import { analyzeRequested } from "../fixtures/messages.ts";

/** An analyzed incident in Postgres and the classify message analyze would send for it. */
export async function seedAnalyzedIncident(
  db: Kysely<Database>,
  rca?: Partial<Rca>,
  overrides: Parameters<typeof analyzeRequested>[0] = {},
): Promise<ClassifyRequestedV1> {
  const request = analyzeRequested(overrides);
  const { incident_id: id, fingerprint, alert } = request.payload;
  const incidents = createIncidentStore(db);
  await incidents.open({ id, fingerprint, alert, openedAt: new Date(alert.fired_at), correlationId: request.correlationId });
  const verdict = { ...rulesVerdict(alert), ...rca };
  await incidents.recordVerdict(id, verdict, new Date());
  return {
    type: "classify.requested",
    version: 1,
    id: `classify:${id}`,
    occurredAt: new Date().toISOString(),
    correlationId: request.correlationId,
    payload: { incident_id: id, fingerprint, alert, rca: verdict },
  };
}
