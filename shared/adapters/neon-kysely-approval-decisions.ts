import type { Kysely } from "kysely";
import { ApprovalAction as ApprovalActionSchema, ApprovalAlternative } from "../contracts/action.ts";
import { tallySignatures } from "../domain/approval-policy.ts";
import type { ApprovalStore } from "../ports/approval-store.ts";
import { mustLoad } from "./neon-kysely-approval-rows.ts";
import { appendAudit } from "./neon-kysely-audit.ts";
import { type Database, json } from "./neon-kysely-db.ts";
import { insertExecution } from "./neon-kysely-execution-outbox.ts";

/** Signatures: one per approver, bound to the digest shown, the deciding one writing the status change and the hand-off outbox row. */
export function approvalDecisions(db: Kysely<Database>): Pick<ApprovalStore, "recordDecision"> {
  return {
    async recordDecision({ approvalId, approver, decision, comment, actionDigest, dryRun, at }) {
      return db.transaction().execute(async (tx) => {
        // The row lock serialises signers of one approval: each sees the others' signatures.
        const locked = await tx
          .selectFrom("approvals")
          .select(["id", "status", "required_signatures", "action", "action_digest", "alternative"])
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
        // A signature is for exactly the action the signer saw: the approval's, or an approval of its alternative.
        let signedDigest = locked.action_digest;
        if (locked.action_digest !== null && locked.action_digest !== actionDigest) {
          const alternative = locked.alternative ? ApprovalAlternative.parse(locked.alternative) : undefined;
          const choosesAlternative = decision === "approve" && alternative?.action.digest != null && alternative.action.digest === actionDigest;
          if (!choosesAlternative) return { kind: "digest_mismatch", approval: await mustLoad(tx, approvalId) } as const;
          // Only while nobody has approved the current action: a signature is never moved to another action.
          const approvedAlready = await tx
            .selectFrom("approval_signatures")
            .select("approver")
            .where("approval_id", "=", approvalId)
            .where("decision", "=", "approve")
            .executeTakeFirst();
          if (approvedAlready) return { kind: "alternative_closed", approval: await mustLoad(tx, approvalId) } as const;
          const replaced = ApprovalActionSchema.parse(locked.action);
          await tx
            .updateTable("approvals")
            .set({
              action: json(alternative.action),
              action_digest: alternative.action.digest,
              alternative: json(
                alternative.source === "playbook"
                  ? { source: "verdict", reason: "the verdict's action, proposed first", action: replaced }
                  : { source: "playbook", reason: "this alert's playbook", action: replaced },
              ),
              updated_at: at,
            })
            .where("id", "=", approvalId)
            .execute();
          await appendAudit(tx, {
            at,
            actor: approver,
            action: "approval.action_switched",
            subject: { type: "approval", id: approvalId },
            details: {
              from: { operation: replaced.operation, action_digest: replaced.digest },
              to: { operation: alternative.action.operation, action_digest: alternative.action.digest, source: alternative.source },
            },
          });
          signedDigest = alternative.action.digest;
        }

        await tx
          .insertInto("approval_signatures")
          .values({ approval_id: approvalId, approver, decision, comment: comment ?? null, signed_at: at, action_digest: signedDigest })
          .execute();
        await appendAudit(tx, {
          at,
          actor: approver,
          action: decision === "approve" ? "approval.signed" : "approval.vetoed",
          subject: { type: "approval", id: approvalId },
          details: { decision, comment: comment ?? null, action_digest: signedDigest },
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
