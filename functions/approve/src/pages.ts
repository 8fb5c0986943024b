import { html } from "hono/html";
import type { HtmlEscapedString } from "hono/utils/html";
import type { ActionPlan, ApprovalAction, ApprovalAlternative } from "../../../shared/contracts/action.ts";
import type { NormalizedAlert } from "../../../shared/contracts/alert.ts";
import { type ClusterContext, hasContext } from "../../../shared/contracts/context.ts";
import type { Rca } from "../../../shared/contracts/rca.ts";
import { contextLines } from "../../../shared/domain/cluster-context.ts";
import type { ApprovalRecord } from "../../../shared/ports/approval-store.ts";
import type { ExecutionRecord } from "../../../shared/ports/execution-store.ts";

type Html = HtmlEscapedString | Promise<HtmlEscapedString>;

const STYLE = `
  :root { color-scheme: light dark; font-family: system-ui, sans-serif; }
  body { margin: 0 auto; max-width: 42rem; padding: 1rem; line-height: 1.45; }
  h1 { font-size: 1.3rem; margin: .2rem 0 1rem; }
  .badge { display: inline-block; padding: .1rem .5rem; border-radius: .4rem; font-weight: 600; font-size: .85rem; }
  .risk-low { background: #d8f5dd; color: #0b4a17; } .risk-medium { background: #fff0c2; color: #5a4300; }
  .risk-high, .risk-critical { background: #ffd6d6; color: #6b0000; }
  dl { display: grid; grid-template-columns: max-content 1fr; gap: .3rem .8rem; }
  dt { font-weight: 600; } dd { margin: 0; overflow-wrap: anywhere; }
  p, li, code { overflow-wrap: anywhere; }
  pre { white-space: pre-wrap; overflow-wrap: anywhere; background: rgba(127,127,127,.15); padding: .6rem; border-radius: .4rem; }
  textarea { width: 100%; box-sizing: border-box; min-height: 4rem; font: inherit; }
  .actions { display: flex; gap: .8rem; flex-wrap: wrap; margin-top: .8rem; }
  button { flex: 1 1 10rem; font: inherit; font-size: 1.1rem; padding: .8rem; border-radius: .5rem; border: 0; cursor: pointer; }
  .approve { background: #1a7f37; color: white; } .reject { background: #b42318; color: white; }
  .notice { padding: .8rem; border-radius: .5rem; background: rgba(127,127,127,.15); }
  .done { background: #1a7f37; color: white; } .failed { background: #6e7781; color: white; }
`;

function layout(title: string, body: Html): Html {
  return html`<!doctype html>
<html lang="en">
  <head>
    <meta charset="utf-8" />
    <meta name="viewport" content="width=device-width, initial-scale=1" />
    <meta name="robots" content="noindex, nofollow" />
    <title>${title} · AWOOOI</title>
    <style>${STYLE}</style>
  </head>
  <body>
    ${body}
  </body>
</html>`;
}

export interface LinkFields {
  readonly approver: string;
  readonly expires: number;
  readonly sig: string;
}

export interface ConfirmPageInput {
  readonly approval: ApprovalRecord;
  readonly alert: NormalizedAlert;
  readonly rca: Rca | undefined;
  readonly hitCount: number | undefined;
  /** The hand-off, once the action is approved. */
  readonly execution?: ExecutionRecord | undefined;
  readonly link: LinkFields;
  /** Shown after a POST: what just happened. */
  readonly notice?: string;
  /** What past repairs of this alert taught (learnedRecord), when enough outcomes exist. */
  readonly learned?: { readonly operation: string; readonly successes: number; readonly samples: number } | undefined;
  /** What the cluster and Prometheus said when the analysis began (relay context), when gathered. */
  readonly cluster?: ClusterContext | undefined;
}

/** The page an approver's link opens. Rendering it never changes anything; only its form's POST does. */
export function confirmPage(input: ConfirmPageInput): Html {
  const { approval, alert, rca, link } = input;
  const approvals = approval.signatures.filter((s) => s.decision === "approve").length;
  const mine = approval.signatures.find((s) => s.approver === link.approver);
  const canDecide = approval.status === "PENDING" && !mine;
  const where = [alert.namespace, alert.target_resource].filter(Boolean).join("/");

  return layout(
    `${alert.alert_type} — approval`,
    html`
      ${input.notice ? html`<p class="notice" role="status">${input.notice}</p>` : ""}
      <p><span class="badge risk-${approval.riskLevel}">risk ${approval.riskLevel}</span> <strong>${alert.priority}</strong> · ${alert.severity} · ${alert.source}</p>
      <h1>${alert.alert_type}${where ? html` on <code>${where}</code>` : ""}</h1>
      <p>${alert.message}</p>
      <dl>
        <dt>Status</dt><dd><strong id="status">${approval.status}</strong> — ${approvals} of ${approval.requiredSignatures} approvals</dd>
        <dt>Root cause</dt><dd>${rca?.root_cause ?? "not analyzed yet"}</dd>
        ${
          rca
            ? html`<dt>Confidence</dt><dd>${Math.round(rca.confidence)}% (verdict by ${rca.provider}, ${rca.model})</dd>
        <dt>Blast radius</dt><dd>${rca.blast_radius.affected_pods} pod(s), downtime ${rca.blast_radius.estimated_downtime}, data impact ${rca.blast_radius.data_impact}${rca.blast_radius.related_services.length > 0 ? html`, services: ${rca.blast_radius.related_services.join(", ")}` : ""}</dd>`
            : ""
        }
        <dt>Seen</dt><dd>${input.hitCount ?? 1} time(s), first at ${alert.fired_at}</dd>
        ${
          input.learned
            ? html`<dt>Learned</dt><dd id="learned">${input.learned.operation} worked ${input.learned.successes} of ${input.learned.samples} times for this alert</dd>`
            : ""
        }
        ${
          hasContext(input.cluster)
            ? html`<dt>Cluster</dt><dd id="cluster-context">as read at ${input.cluster.collected_at}<ul>${contextLines(input.cluster, { events: 5, series: 5 }).map((line) => html`<li>${line.replace(/^\s*- /, "")}</li>`)}</ul></dd>`
            : ""
        }
        <dt>Expires</dt><dd>${approval.expiresAt.toISOString()}</dd>
        <dt>Signatures</dt><dd>${
          approval.signatures.length === 0
            ? "none yet"
            : html`<ul>${approval.signatures.map((s) => html`<li>${s.approver}: ${s.decision}${s.comment ? html` — “${s.comment}”` : ""}</li>`)}</ul>`
        }</dd>
      </dl>
      ${actionSection(approval.action)}
      ${
        canDecide
          ? html`<form method="post">
        ${linkInputs(link)}
        ${approval.action.digest ? html`<input type="hidden" name="action_digest" value="${approval.action.digest}" />` : ""}
        <label for="comment">Comment (optional)</label>
        <textarea id="comment" name="comment" maxlength="1000"></textarea>
        <div class="actions">
          <button class="approve" type="submit" name="decision" value="approve">Approve as ${link.approver}</button>
          <button class="reject" type="submit" name="decision" value="reject">Reject</button>
        </div>
      </form>`
          : html`<p class="notice">${mine ? `You (${link.approver}) already signed: ${mine.decision}.` : `This approval is ${approval.status}; no decision can be added.`}</p>`
      }
      ${canDecide && approval.alternative && approvals === 0 ? alternativeSection(approval.alternative, link) : ""}
      ${input.execution ? executionSection(input.execution, link) : ""}
    `,
  );
}

/**
 * The other action approvers may choose (the alert's playbook, or back to the
 * verdict's): approving it makes it the approval's action. Offered only while
 * nobody has approved the proposed one — a signature never moves.
 */
function alternativeSection(alternative: ApprovalAlternative, link: LinkFields): Html {
  const { action } = alternative;
  return html`<section id="alternative">
      <h2>Alternative: ${action.operation}</h2>
      <p>${alternative.reason}. Runs exactly this (no shell), digest <code id="alternative-digest">${action.digest ?? ""}</code>:</p>
      <pre id="alternative-command">${action.command}</pre>
      <p>argv: <code id="alternative-argv">${JSON.stringify(action.argv)}</code></p>
      ${action.plan ? html`<p>Server dry run: <strong>${action.plan.dry_run.ok ? "passed" : "FAILED"}</strong></p>` : ""}
      <form method="post">
        ${linkInputs(link)}
        <input type="hidden" name="action_digest" value="${action.digest ?? ""}" />
        <div class="actions">
          <button class="approve" type="submit" name="decision" value="approve">Approve ${action.operation} instead, as ${link.approver}</button>
        </div>
      </form>
    </section>`;
}

/** What will run, exactly: the argv, the executor's plan and each guardrail's verdict. */
function actionSection(action: ApprovalAction): Html {
  const plan = action.plan;
  return html`<h2>Proposed action: ${action.operation}</h2>
      ${
        action.argv
          ? html`<p>Runs exactly this (no shell), digest <code id="action-digest">${action.digest ?? ""}</code>:</p>
      <pre id="action-command">${action.command}</pre>
      <p>argv: <code id="action-argv">${JSON.stringify(action.argv)}</code></p>`
          : html`<p>No typed action could be derived: nothing runs by itself. A person runs this by hand:</p>
      <pre id="action-command">${action.command}</pre>`
      }
      <p>${action.description}</p>
      ${action.note && action.note !== action.command ? html`<p>The verdict's own text (a note, never run): <code>${action.note}</code></p>` : ""}
      ${action.issues.length > 0 ? html`<p>Not automatic because:</p><ul>${action.issues.map((issue) => html`<li>${issue}</li>`)}</ul>` : ""}
      ${
        plan
          ? html`<h3>Plan (executor, ${plan.planned_at})</h3>
      <dl id="plan-facts">${planFacts(plan.facts).map(([name, value]) => html`<dt>${name}</dt><dd>${value}</dd>`)}</dl>
      <p>Server dry run: <strong>${plan.dry_run.ok ? "passed" : "FAILED"}</strong></p>
      <pre id="plan-dry-run">${plan.dry_run.output || "(no output)"}</pre>
      ${plan.errors.length > 0 ? html`<p>Could not read: ${plan.errors.join("; ")}</p>` : ""}`
          : action.argv
            ? html`<p>No plan: no executor was asked for a server dry run.</p>`
            : ""
      }
      ${
        action.guardrails.length > 0
          ? html`<h3>Guardrails</h3><ul id="guardrails">${action.guardrails.map(
              (g) => html`<li>${g.passed ? "✅" : "❌"} <strong>${g.name}</strong>: ${g.detail}</li>`,
            )}</ul>`
          : ""
      }`;
}

function planFacts(facts: ActionPlan["facts"]): Array<[string, string]> {
  const rows: Array<[string, string]> = [];
  if (facts.desired_replicas !== undefined || facts.ready_replicas !== undefined)
    rows.push(["Replicas", `${facts.ready_replicas ?? "?"} ready of ${facts.desired_replicas ?? "?"} desired`]);
  if (facts.target_ready !== undefined) rows.push(["Target pod", facts.target_ready ? "ready" : "not ready"]);
  for (const c of facts.containers ?? []) {
    rows.push([
      `Container ${c.name}`,
      `limits ${c.limits.memory ?? "-"} memory, ${c.limits.cpu ?? "-"} cpu; requests ${c.requests.memory ?? "-"}, ${c.requests.cpu ?? "-"}`,
    ]);
  }
  if (facts.current_revision !== undefined) rows.push(["Current revision", String(facts.current_revision)]);
  if (facts.rollback_revision !== undefined)
    rows.push(["Rollback to", `revision ${facts.rollback_revision}, made ${facts.rollback_revision_created_at ?? "?"}`]);
  return rows;
}

function linkInputs(link: LinkFields): Html {
  return html`<input type="hidden" name="approver" value="${link.approver}" />
        <input type="hidden" name="expires" value="${String(link.expires)}" />
        <input type="hidden" name="sig" value="${link.sig}" />`;
}

/** Where the approved action stands: queued, with the executor, to be run by hand, or finished. */
function executionSection(execution: ExecutionRecord, link: LinkFields): Html {
  const finished = execution.status === "succeeded" || execution.status === "failed";
  const resultForm = html`<form method="post" action="/approve/${execution.approvalId}/result">
        ${linkInputs(link)}
        <label for="note">What happened (optional)</label>
        <textarea id="note" name="note" maxlength="4000"></textarea>
        <div class="actions">
          <button class="done" type="submit" name="outcome" value="succeeded">Mark done</button>
          <button class="failed" type="submit" name="outcome" value="failed">Mark failed</button>
        </div>
      </form>`;
  return html`<h2 id="execution">Execution: <span id="execution-status">${execution.status}</span></h2>
      ${
        finished
          ? html`<p>${execution.status === "succeeded" ? "The action worked" : "The action failed"}${execution.dryRun ? " (dry run)" : ""}, reported by ${execution.reportedBy ?? "unknown"} at ${execution.finishedAt?.toISOString() ?? ""}${execution.durationMs !== undefined ? ` after ${execution.durationMs} ms` : ""}.</p>
      ${execution.outputExcerpt ? html`<pre>${execution.outputExcerpt}</pre>` : ""}`
          : execution.status === "manual"
            ? html`<p>No executor is configured. Run the command above by hand, then record how it went:</p>
      ${resultForm}`
            : execution.status === "dispatched"
              ? html`<p>Handed to the executor at ${execution.dispatchedAt?.toISOString() ?? ""}${execution.dryRun ? " as a dry run" : ""}; waiting for its report. If it never reports, record the result by hand:</p>
      ${resultForm}`
              : html`<p>Approved; handing the action to the executor.</p>`
      }`;
}

/** A refusal page (forged/expired link, unknown approval, closed approval). */
export function refusalPage(title: string, explanation: string): Html {
  return layout(title, html`<h1>${title}</h1><p>${explanation}</p>`);
}
