import type { Transaction } from "kysely";
import type { ApprovalAction } from "../contracts/action.ts";
import { type Database, json } from "./neon-kysely-db.ts";

/** The hand-off outbox row, written in the transaction that approves the action. */
export async function insertExecution(
  tx: Transaction<Database>,
  input: { approvalId: string; incidentId: string; action: ApprovalAction; automatic: boolean; dryRun: boolean; at: Date },
): Promise<void> {
  await tx
    .insertInto("executions")
    .values({
      id: crypto.randomUUID(),
      approval_id: input.approvalId,
      incident_id: input.incidentId,
      status: "requested",
      automatic: input.automatic,
      operation: input.action.operation,
      command: input.action.command,
      action: input.action.typed ? json(input.action.typed) : null,
      argv: input.action.argv ? json(input.action.argv) : null,
      action_digest: input.action.digest,
      // A person runs an untyped action for real: only typed actions can be dry runs.
      dry_run: input.action.typed ? input.dryRun : false,
      requested_at: input.at,
    })
    .onConflict((oc) => oc.column("approval_id").doNothing())
    .execute();
}
