import type { OpenAPIHono } from "@hono/zod-openapi";
import type { Context } from "hono";
import * as z from "zod/v4";
import { ApproverId, Decision } from "../../../shared/contracts/approval.ts";
import { type LinkVerdict, verifyLink } from "../../../shared/domain/approval-link.ts";
import { learnedRecord } from "../../../shared/domain/learning.ts";
import { BODY_LIMITS, boundedBody } from "../../../shared/http/body-limit.ts";
import { describeRoute, formBody, SECURITY, serveDescribed, textAnswer } from "../../../shared/http/route-docs.ts";
import { afterSignature } from "./decisions.ts";
import { applyResult } from "./executions.ts";
import { confirmPage, type LinkFields, refusalPage } from "./pages.ts";
import type { ApproveEnv, ApproveServices } from "./services.ts";

const LinkQuery = z.object({
  approver: ApproverId,
  expires: z.coerce.number().int().positive(),
  sig: z.string().min(1).max(100),
});

const DecisionForm = LinkQuery.extend({
  decision: Decision,
  /** The digest of the action the page showed: the signature is bound to it. */
  action_digest: z
    .string()
    .regex(/^[0-9a-f]{64}$/)
    .optional(),
  comment: z
    .string()
    .max(1_000)
    .optional()
    .transform((text) => (text?.trim() ? text.trim() : undefined)),
});

const ManualResultForm = LinkQuery.extend({
  outcome: z.enum(["succeeded", "failed"]),
  note: z
    .string()
    .max(4_000)
    .optional()
    .transform((text) => (text?.trim() ? text.trim() : undefined)),
});

/** The string fields of a form POST; undefined when the body is not a form. */
async function formFields(c: Context<ApproveEnv>): Promise<Record<string, string | undefined> | undefined> {
  const type = c.req.header("Content-Type") ?? "";
  if (!/^(application\/x-www-form-urlencoded|multipart\/form-data)/i.test(type)) return undefined;
  // A body that does not parse as the form it claims to be is read as an empty form: the link checks then refuse it.
  const body = await c.req.parseBody().catch(() => ({}));
  return Object.fromEntries(Object.entries(body).map(([key, value]) => [key, typeof value === "string" ? value : undefined]));
}

const PAGE_HEADERS = {
  // The URL carries the signature: keep it out of caches, referrers and search indexes.
  "Cache-Control": "no-store",
  "Referrer-Policy": "no-referrer",
  "X-Robots-Tag": "noindex",
  "Content-Security-Policy": "default-src 'none'; style-src 'unsafe-inline'; form-action 'self'; frame-ancestors 'none'",
  "X-Content-Type-Options": "nosniff",
};

const LINK_REFUSALS: Record<Exclude<LinkVerdict, "valid">, [string, string]> = {
  invalid: ["This link is not valid", "The link was altered or was not issued by AWOOOI. Nothing was changed."],
  expired: ["This link has expired", "Approval links stop working when the approval expires. Nothing was changed."],
};

/**
 * Checks a link's signature, expiry and approver. Signature first: a forged link
 * learns nothing about rosters or approvals.
 */
async function checkLink(approvalId: string, link: LinkFields, services: ApproveServices): Promise<[string, string] | undefined> {
  const verdict = await verifyLink(
    { approvalId, approver: link.approver, expiresAt: link.expires },
    link.sig,
    services.linkKeys,
    Math.floor(services.now().getTime() / 1000),
  );
  if (verdict !== "valid") return LINK_REFUSALS[verdict];
  if (!services.approvers.some((a) => a.id === link.approver)) {
    return ["Not an approver", `${link.approver} is not on the approver roster any more. Nothing was changed.`];
  }
  return undefined;
}

async function renderConfirm(c: Context<ApproveEnv>, approvalId: string, link: LinkFields, status: 200 | 409, notice?: string) {
  const services = c.get("services");
  const approval = await services.approvals.get(approvalId);
  if (!approval) return c.html(refusalPage("Approval not found", "There is no approval with this id."), 404, PAGE_HEADERS);
  const incident = await services.incidents.get(approval.incidentId);
  if (!incident) return c.html(refusalPage("Incident not found", "The approval's incident is missing."), 404, PAGE_HEADERS);
  const [counters, execution, learned] = await Promise.all([
    services.alertIndex.counters(incident.id).catch(() => undefined),
    approval.executionId ? services.executions.get(approval.executionId) : undefined,
    // Advice only: the page renders without it when Redis does not answer.
    services.learningStats
      .stats(incident.fingerprint)
      .then((stats) => learnedRecord(stats))
      .catch(() => undefined),
  ]);
  return c.html(
    confirmPage({
      approval,
      alert: incident.alert,
      rca: incident.rca,
      hitCount: counters?.hitCount,
      execution,
      learned,
      cluster: incident.clusterContext,
      link,
      ...(notice ? { notice } : {}),
    }),
    status,
    PAGE_HEADERS,
  );
}

/**
 * What every form POST behind a signed link does first: a form body (415
 * otherwise), a complete link (403), the form's own fields (400 naming them),
 * and a link that verifies (403). Answers the refusal page, or the parsed form.
 */
async function readLinkForm<S extends z.ZodType<z.infer<typeof LinkQuery>>>(
  c: Context<ApproveEnv>,
  schema: S,
  words: { sentBy: string; incomplete: string },
): Promise<Response | { approvalId: string; form: z.infer<S> }> {
  const approvalId = c.req.param("approvalId") ?? "";
  const raw = await formFields(c);
  if (!raw) return c.html(refusalPage("Unsupported request", words.sentBy), 415, PAGE_HEADERS);
  if (!LinkQuery.safeParse(raw).success || !z.uuid().safeParse(approvalId).success) {
    return c.html(refusalPage("This link is incomplete", "Open the link exactly as it was sent to you. Nothing was changed."), 403, PAGE_HEADERS);
  }
  const form = schema.safeParse(raw);
  if (!form.success) {
    const fields = form.error.issues.map((issue) => issue.path.join(".")).join(", ");
    return c.html(refusalPage(words.incomplete, `The form has a missing or bad ${fields}. Nothing was changed.`), 400, PAGE_HEADERS);
  }
  const refusal = await checkLink(approvalId, form.data, c.get("services"));
  if (refusal) return c.html(refusalPage(...refusal), 403, PAGE_HEADERS);
  return { approvalId, form: form.data };
}

const ApprovalIdParam = z.object({ approvalId: z.uuid() });

/** What a link page answers: the page itself, or a refusal page saying why nothing changed. */
const pageAnswers = (ok: string) => ({
  200: textAnswer(ok, "text/html"),
  400: textAnswer("a form field is missing or bad (named on the page)", "text/html"),
  403: textAnswer("the link is incomplete, altered, expired, or not an approver's", "text/html"),
  404: textAnswer("no such approval", "text/html"),
  409: textAnswer("the approval's state no longer allows this (the page shows it)", "text/html"),
  415: textAnswer("not a form post", "text/html"),
});

const CONFIRM_PAGE_ROUTE = describeRoute({
  method: "get",
  path: "/approve/{approvalId}",
  summary: "Confirm page behind an approver's signed link (never changes anything)",
  tags: ["approvals"],
  security: SECURITY.link,
  request: { params: ApprovalIdParam, query: LinkQuery },
  responses: pageAnswers("the approval, its action and the decision form"),
});
const DECISION_ROUTE = describeRoute({
  method: "post",
  path: "/approve/{approvalId}",
  summary: "Approve or reject (the confirm page's form)",
  tags: ["approvals"],
  security: SECURITY.link,
  request: { params: ApprovalIdParam, body: formBody(DecisionForm) },
  responses: pageAnswers("the approval's new state"),
});
const MANUAL_RESULT_ROUTE = describeRoute({
  method: "post",
  path: "/approve/{approvalId}/result",
  summary: "Mark an approved action done or failed, after running it by hand",
  tags: ["approvals"],
  security: SECURITY.link,
  request: { params: ApprovalIdParam, body: formBody(ManualResultForm) },
  responses: pageAnswers("the recorded result"),
});

/** The pages behind approvers' signed links: HTML, never the JSON API. */
export function mountLinkRoutes(app: OpenAPIHono<ApproveEnv>): void {
  serveDescribed(app, CONFIRM_PAGE_ROUTE, async (c) => {
    const approvalId = c.req.param("approvalId") ?? "";
    const query = LinkQuery.safeParse(c.req.query());
    if (!query.success || !z.uuid().safeParse(approvalId).success) {
      return c.html(refusalPage("This link is incomplete", "Open the link exactly as it was sent to you. Nothing was changed."), 403, PAGE_HEADERS);
    }
    const refusal = await checkLink(approvalId, query.data, c.get("services"));
    if (refusal) return c.html(refusalPage(...refusal), 403, PAGE_HEADERS);
    return renderConfirm(c, approvalId, query.data, 200);
  });

  /** "Mark done / mark failed" after running an approved command by hand; the approver's own link authenticates. */
  serveDescribed(app, MANUAL_RESULT_ROUTE, boundedBody(BODY_LIMITS.approvalForm, "form"), async (c) => {
    const read = await readLinkForm(c, ManualResultForm, { sentBy: "Results are sent by the approval page's form.", incomplete: "Incomplete result" });
    if (read instanceof Response) return read;
    const {
      approvalId,
      form: { outcome, note, ...link },
    } = read;
    const services = c.get("services");
    const approval = await services.approvals.get(approvalId);
    const execution = approval?.executionId ? await services.executions.get(approval.executionId) : undefined;
    if (!approval || !execution) {
      return renderConfirm(c, approvalId, link, 409, "There is no approved action to report on; nothing was changed.");
    }
    if (execution.status !== "manual" && execution.status !== "dispatched" && execution.status !== "succeeded" && execution.status !== "failed") {
      return renderConfirm(c, approvalId, link, 409, "The action has not been handed off yet; nothing was changed.");
    }
    const result = await applyResult(services, {
      executionId: execution.id,
      result: { status: outcome, ...(note ? { output_excerpt: note } : {}) },
      reportedBy: link.approver,
    });
    switch (result.kind) {
      case "recorded":
        return renderConfirm(c, approvalId, link, 200, `Recorded: the action ${outcome === "succeeded" ? "worked" : "failed"}. Thank you.`);
      case "repeat":
        return renderConfirm(c, approvalId, link, 200, `The result was already recorded as ${outcome}.`);
      default:
        return renderConfirm(c, approvalId, link, 409, `The result was already recorded differently; nothing was changed.`);
    }
  });

  serveDescribed(app, DECISION_ROUTE, boundedBody(BODY_LIMITS.approvalForm, "form"), async (c) => {
    const read = await readLinkForm(c, DecisionForm, { sentBy: "Decisions are sent by the confirm page's form.", incomplete: "Incomplete decision" });
    if (read instanceof Response) return read;
    const {
      approvalId,
      form: { decision, comment, action_digest: actionDigest, ...link },
    } = read;
    const services = c.get("services");

    const outcome = await services.approvals.recordDecision({
      approvalId,
      approver: link.approver,
      decision,
      comment,
      actionDigest,
      dryRun: services.dryRun,
      at: services.now(),
    });
    if (outcome.kind === "recorded") await afterSignature(outcome.approval, link.approver, outcome.statusChanged, services);
    switch (outcome.kind) {
      case "not_found":
        return c.html(refusalPage("Approval not found", "There is no approval with this id. Nothing was changed."), 404, PAGE_HEADERS);
      case "closed":
        return renderConfirm(c, approvalId, link, 409, `This approval is already ${outcome.approval.status}; your decision was not recorded.`);
      case "repeat":
        return renderConfirm(c, approvalId, link, 200, "You already signed this approval; here is its current state.");
      case "digest_mismatch":
        return renderConfirm(c, approvalId, link, 409, "The action shown to you is not the one this approval holds; review it again. Nothing was recorded.");
      case "alternative_closed":
        return renderConfirm(
          c,
          approvalId,
          link,
          409,
          "Someone already approved the proposed action, so the alternative can no longer be chosen; reject the proposed action to stop it. Nothing was recorded.",
        );
      case "recorded":
        return renderConfirm(
          c,
          approvalId,
          link,
          200,
          outcome.statusChanged
            ? `Your ${decision === "approve" ? "approval" : "rejection"} was recorded. The approval is now ${outcome.approval.status}.`
            : `Your ${decision === "approve" ? "approval" : "rejection"} was recorded. Waiting for more signatures.`,
        );
    }
  });
}
