import { afterAll, describe, expect, it } from "vitest";
import type * as z from "zod/v4";
import { createUpstashSmokeLedger } from "../../../shared/adapters/upstash-smoke-ledger.ts";
import {
  AckAnswer,
  ApprovalDetail,
  ApprovalPage,
  DeadLetterPage,
  IncidentDetail,
  IncidentPage,
  LearningRecommendation,
  LearningSummary,
  SmokeRun,
  StatsAutonomy,
  StatsLlm,
  StatsMttr,
  StatsOverview,
  StatsSlo,
  StatsVolume,
  TelegramWebhookAnswer,
} from "../../../shared/contracts/ops-api.ts";
import { newSmokeRunId } from "../../../shared/domain/smoke.ts";
import { FAKE_TELEGRAM_TOKEN } from "../../support/fakes/chat-credentials.ts";
import { dbForTests, redisForTests, testEnv } from "../../support/worker/env.ts";
import { ackIncident, decide, linkFor, ops, recordingEnv, request, seedPendingApproval } from "./support.ts";

const db = dbForTests();
afterAll(() => db.destroy());

/** Parses an answer with its documented schema (strict: a field added or dropped in a handler fails here), naming the route. */
async function expectShape(schema: z.ZodType, response: Response, route: string) {
  expect(response.status, route).toBe(200);
  const parsed = schema.safeParse(await response.json());
  expect(parsed.success ? [] : parsed.error.issues.slice(0, 5), route).toEqual([]);
}

describe("every ops answer has the shape /openapi.json documents", () => {
  it("incidents, approvals, dead letters, learning, stats, smoke and the ack", async () => {
    const approval = await seedPendingApproval(db, "medium", 1);
    await decide(await linkFor(approval.id, "alice"), "approve", {}, recordingEnv().env);
    const { fingerprint } = IncidentDetail.parse(await (await ops(`/api/v1/incidents/${approval.incidentId}`)).json());
    const smokeRun = newSmokeRunId(Date.now(), crypto.randomUUID().replaceAll("-", ""));
    await createUpstashSmokeLedger(redisForTests()).stamp(smokeRun, "sent", Date.now());
    const routes: Array<[z.ZodType, string]> = [
      [IncidentPage, "/api/v1/incidents?limit=3"],
      [IncidentDetail, `/api/v1/incidents/${approval.incidentId}`],
      [ApprovalPage, "/api/v1/approvals?limit=3"],
      [ApprovalDetail, `/api/v1/approvals/${approval.id}`],
      [DeadLetterPage, "/api/v1/dead-letters?limit=3"],
      [LearningSummary, `/api/v1/learning/summary/${fingerprint}`],
      [LearningRecommendation, `/api/v1/learning/recommendation/${fingerprint}`],
      [StatsOverview, "/api/v1/stats/overview"],
      [StatsAutonomy, "/api/v1/stats/autonomy"],
      [StatsMttr, "/api/v1/stats/mttr?window=30d"],
      [StatsSlo, "/api/v1/stats/slo"],
      [StatsVolume, "/api/v1/stats/volume"],
      [StatsLlm, "/api/v1/stats/llm?window=24h"],
      [SmokeRun, `/api/v1/smoke/${smokeRun}`],
    ];
    for (const [schema, path] of routes) await expectShape(schema, await ops(path), path);
    await expectShape(AckAnswer, await ackIncident(approval.incidentId, { by: "alice" }), "POST /api/v1/incidents/:id/ack");
  });

  it("Telegram's webhook: an acknowledged update and a command's Bot API reply", async () => {
    const { env } = recordingEnv({
      TELEGRAM_BOT_TOKEN: FAKE_TELEGRAM_TOKEN,
      TELEGRAM_API_BASE: testEnv.TEST_CHAT_SERVICES_URL!,
      TELEGRAM_WEBHOOK_SECRET: "tg-webhook-secret-0123456789",
      APPROVERS: JSON.stringify([
        { id: "alice", telegram_user_id: "1001" },
        { id: "bob", telegram_user_id: "1002" },
      ]),
    });
    const post = (update: unknown) =>
      request(
        "https://awoooi.test/api/v1/telegram/webhook",
        {
          method: "POST",
          headers: { "Content-Type": "application/json", "X-Telegram-Bot-Api-Secret-Token": "tg-webhook-secret-0123456789" },
          body: JSON.stringify(update),
        },
        env,
      );
    await expectShape(TelegramWebhookAnswer, await post({ update_id: 1, message: { message_id: 1, chat: { id: 5 }, date: 0, text: "hello" } }), "an update");
    const command = {
      update_id: 2,
      message: { message_id: 2, from: { id: 1001, is_bot: false, first_name: "A" }, chat: { id: -1007 }, date: 0, text: "/status" },
    };
    await expectShape(TelegramWebhookAnswer, await post(command), "/status");
  });
});
