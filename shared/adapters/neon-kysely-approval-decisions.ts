import type { Kysely } from "kysely";
import { ApprovalAction as ApprovalActionSchema } from "../contracts/action.ts";
import { tallySignatures } from "../domain/approval-policy.ts";
import type { ApprovalStore } from "../ports/approval-store.ts";
import { mustLoad } from "./neon-kysely-approval-rows.ts";
import { appendAudit } from "./neon-kysely-audit.ts";
import type { Database } from "./neon-kysely-db.ts";
import { insertExecution } from "./neon-kysely-execution-outbox.ts";

/** Signatures: one per approver, bound to the digest shown, the deciding one writing the status change and the hand-off outbox row. */
export function approvalDecisions(db: Kysely<Database>): Pick<ApprovalStore, "recordDecision"> {
  return {
    async recordDecision({ approvalId, approver, decision, comment, actionDigest, dryRun, at }) {
      return db.transaction().execute(async (tx) => {
        // The row lock serialises signers of one approval: each sees the others' signatures.
        const locked = await tx
          .selectFrom("approvals")
          .select(["id", "status", "required_signatures", "action_digest"])
          .where("id", "=", approvalId)
          .forUpdate()
          .executeTakeFirst();
        if (!locked) return { kind: "not_found" } as const;

        const existing = await tx
          .selectFrom("approval_signatures")
          .select("approver")
          .where("approval_id", "=", approvalId)
          .where("approver", "=", approver)
          .executeTakeFirst();
        if (existing) return { kind: "repeat", approval: await mustLoad(tx, approvalId) } as const;
        if (locked.status !== "PENDING") return { kind: "closed", approval: await mustLoad(tx, approvalId) } as const;
        // A signature is for exactly the action the signer saw.
        if (locked.action_digest !== null && locked.action_digest !== actionDigest) {
          return { kind: "digest_mismatch", approval: await mustLoad(tx, approvalId) } as const;
        }

        await tx
          .insertInto("approval_signatures")
          .values({ approval_id: approvalId, approver, decision, comment: comment ?? null, signed_at: at, action_digest: locked.action_digest })
          .execute();
        await appendAudit(tx, {
          at,
          actor: approver,
          action: decision === "approve" ? "approval.signed" : "approval.vetoed",
          subject: { type: "approval", id: approvalId },
          details: { decision, comment: comment ?? null, action_digest: locked.action_digest },
        });

        const signatures = await tx.selectFrom("approval_signatures").select("decision").where("approval_id", "=", approvalId).execute();
        const status = tallySignatures(signatures, locked.required_signatures);
        const statusChanged = status !== "PENDING";
        if (statusChanged) {
          await tx.updateTable("approvals").set({ status, decided_at: at, updated_at: at }).where("id", "=", approvalId).execute();
          if (status === "APPROVED") {
            const approval = await tx.selectFrom("approvals").select(["incident_id", "action"]).where("id", "=", approvalId).executeTakeFirstOrThrow();
            await insertExecution(tx, {
              approvalId,
              incidentId: approval.incident_id,
              action: ApprovalActionSchema.parse(approval.action),
              automatic: false,
              dryRun,
              at,
            });
          }
          await appendAudit(tx, {
            at,
            actor: "approve",
            action: `approval.${status.toLowerCase()}`,
            subject: { type: "approval", id: approvalId },
            details: { from: "PENDING", to: status, decided_by: approver, signatures: signatures.length },
          });
        }
        return { kind: "recorded", approval: await mustLoad(tx, approvalId), statusChanged } as const;
      });
    },
  };
}
