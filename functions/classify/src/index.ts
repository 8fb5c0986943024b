import { postgresReady } from "../../../shared/adapters/postgres-readiness.ts";
import { storeChecks } from "../../../shared/adapters/readiness-probes.ts";
import { ClassifyRequestedV1 } from "../../../shared/contracts/queue.ts";
import { newApp } from "../../../shared/http/app.ts";
import { mountHealthRoutes, queuesBound } from "../../../shared/http/readiness.ts";
import { queueEntry } from "../../../shared/queue/consume.ts";
import { configOf, type Env } from "./env.ts";
import { handleClassifyRequested } from "./handle.ts";
import { withServices } from "./services.ts";

const app = newApp<Env>("classify");
mountHealthRoutes(app, "classify", (env) => [
  ...storeChecks(configOf(env), postgresReady),
  ...queuesBound(env, ["NOTIFY_QUEUE", "EXECUTE_QUEUE", "DEAD_LETTER_QUEUE"]),
]);

export default {
  fetch: app.fetch,

  queue: queueEntry(withServices, { schema: ClassifyRequestedV1, handle: handleClassifyRequested }),
} satisfies ExportedHandler<Env, unknown>;
