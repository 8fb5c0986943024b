import type { Kysely } from "kysely";
import { createApprovalStore } from "../../../shared/adapters/neon-kysely-approval-store.ts";
import { createDb, type Database, databaseConnectionOf } from "../../../shared/adapters/neon-kysely-db.ts";
import { createIncidentStore } from "../../../shared/adapters/neon-kysely-incident-store.ts";
import { createUpstashAlertIndex } from "../../../shared/adapters/upstash-alert-index.ts";
import { createRedis } from "../../../shared/adapters/upstash-redis.ts";
import { perEnv } from "../../../shared/config/env.ts";
import type { ApproverRoster } from "../../../shared/contracts/approval.ts";
import type { AlertIndex } from "../../../shared/ports/alert-index.ts";
import type { ApprovalStore } from "../../../shared/ports/approval-store.ts";
import type { IncidentStore } from "../../../shared/ports/incident-store.ts";
import { configOf, type Env } from "./env.ts";

export interface ApproveServices {
  readonly approvals: ApprovalStore;
  readonly incidents: IncidentStore;
  readonly alertIndex: AlertIndex;
  readonly approvers: ApproverRoster;
  /** Current key first, then the previous one during rotation. */
  readonly linkKeys: readonly string[];
  readonly now: () => Date;
  /** Releases per-request resources (the database pool). */
  readonly close: () => Promise<void>;
}

/** The Redis-backed index is a stateless REST client: built once per isolate. */
const alertIndexFor = perEnv((env: Env) => {
  const config = configOf(env);
  return createUpstashAlertIndex(createRedis({ url: config.UPSTASH_REDIS_REST_URL, token: config.UPSTASH_REDIS_REST_TOKEN }));
});

/** Per-request composition root: a Workers WebSocket pool must not outlive its request. */
export function servicesFor(env: Env): ApproveServices {
  const config = configOf(env);
  const db: Kysely<Database> = createDb(databaseConnectionOf(config));
  return {
    approvals: createApprovalStore(db),
    incidents: createIncidentStore(db),
    alertIndex: alertIndexFor(env),
    approvers: config.APPROVERS,
    linkKeys: [config.LINK_SIGNING_KEY, ...(config.LINK_SIGNING_KEY_PREVIOUS ? [config.LINK_SIGNING_KEY_PREVIOUS] : [])],
    now: () => new Date(),
    close: () => db.destroy(),
  };
}
