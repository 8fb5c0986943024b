import type { OpenAPIHono } from "@hono/zod-openapi";
import type { Context } from "hono";
import { html, raw } from "hono/html";
import { verifyWithJwks } from "hono/utils/jwt/jwt";
import { llmUsage } from "../../../shared/domain/llm-usage.ts";
import { barChart, lineChart } from "../../../shared/domain/render/svg-chart.ts";
import { ESCALATION_LADDER } from "../../../shared/domain/sla.ts";
import { autonomyStats, mttrDaily, volumeFromHour, volumeStats } from "../../../shared/domain/stats.ts";
import { checkToken } from "../../../shared/http/auth.ts";
import { AppError } from "../../../shared/http/errors.ts";
import { describeRoute, refusals, SECURITY, serveDescribed, textAnswer } from "../../../shared/http/route-docs.ts";
import { configOf } from "./env.ts";
import type { ApproveEnv } from "./services.ts";

const DAY_MS = 86_400_000;

/**
 * Who may see the status page: a Cloudflare Access identity (the
 * `Cf-Access-Jwt-Assertion` verified against the team's keys and this app's
 * audience) when Access is configured, otherwise the ops token as bearer or
 * as the Basic password (so a browser can simply prompt for it).
 */
async function authorize(c: Context<ApproveEnv>): Promise<string> {
  const config = configOf(c.env);
  const assertion = c.req.header("Cf-Access-Jwt-Assertion");
  if (assertion && config.CF_ACCESS_TEAM_DOMAIN && config.CF_ACCESS_AUD) {
    const team = config.CF_ACCESS_TEAM_DOMAIN.replace(/\/+$/, "");
    try {
      const claims = await verifyWithJwks(assertion, {
        jwks_uri: `${team}/cdn-cgi/access/certs`,
        allowedAlgorithms: ["RS256"],
        verification: { aud: config.CF_ACCESS_AUD, iss: team },
      });
      return typeof claims.email === "string" ? claims.email : "cloudflare-access";
    } catch {
      throw new AppError("unauthorized", "the Cloudflare Access assertion is not valid for this app");
    }
  }
  try {
    await checkToken(c.req.header("Authorization"), config.OPS_TOKEN, { realm: "status", allowBasic: true });
  } catch (error) {
    if (error instanceof AppError)
      throw new AppError("unauthorized", error.message, { headers: { "WWW-Authenticate": 'Basic realm="AWOOOI status", charset="UTF-8"' } });
    throw error;
  }
  return "ops";
}

const STYLE = `
  :root { color-scheme: light dark; font-family: system-ui, sans-serif; }
  body { margin: 0 auto; max-width: 64rem; padding: 1rem; line-height: 1.4; }
  header { display: flex; flex-wrap: wrap; gap: 1rem; align-items: baseline; justify-content: space-between; }
  header > div { min-width: 0; overflow-wrap: anywhere; }
  .headline { font-size: clamp(3rem, 14vw, 5.5rem); font-weight: 800; line-height: 1; }
  .sub { opacity: .75; }
  .cards { display: grid; grid-template-columns: repeat(auto-fit, minmax(9rem, 1fr)); gap: .6rem; margin: 1rem 0; }
  .card { padding: .7rem; border-radius: .6rem; background: rgba(127,127,127,.12); }
  .card b { display: block; font-size: 1.6rem; }
  .charts { display: grid; grid-template-columns: repeat(auto-fit, minmax(18rem, 1fr)); gap: 1rem; }
  svg.chart { width: 100%; height: auto; }
  table { border-collapse: collapse; width: 100%; font-size: .95rem; table-layout: fixed; }
  td, th { text-align: left; padding: .35rem .4rem; border-bottom: 1px solid rgba(127,127,127,.3); overflow-wrap: anywhere; }
  .p0 { color: #cf222e; font-weight: 700; }
  @media (max-width: 40rem) { .hide-narrow { display: none; } }
`;

const pct = (value: number | null) => (value === null ? "—" : `${value}%`);
const ago = (from: Date, now: Date) => {
  const minutes = Math.round((now.getTime() - from.getTime()) / 60_000);
  return minutes < 90 ? `${minutes} min` : `${Math.round(minutes / 60)} h`;
};

/** GET /status: the autonomy index first, what waits on people, and 7 days of volume, dedup and MTTR. */
const STATUS_PAGE_ROUTE = describeRoute({
  method: "get",
  path: "/status",
  summary: "Status page: autonomy index, pending decisions, 7-day charts (ops token or Cloudflare Access)",
  tags: ["operations"],
  security: SECURITY.ops,
  responses: { 200: textAnswer("HTML page", "text/html"), ...refusals(401) },
});

export function mountStatusPage(app: OpenAPIHono<ApproveEnv>): void {
  serveDescribed(app, STATUS_PAGE_ROUTE, async (c) => {
    const viewer = await authorize(c);
    const services = c.get("services");
    const at = new Date();
    const weekAgo = new Date(at.getTime() - 7 * DAY_MS);
    const [settlements, resolutions, volumeRows, counts, pending, attempts] = await Promise.all([
      services.stats.settlements(weekAgo, new Date(at.getTime() + 1)),
      services.stats.resolutions(weekAgo, new Date(at.getTime() + 1)),
      services.volume.hourly(volumeFromHour(at), Math.floor(at.getTime() / 3_600_000)).catch(() => []),
      services.stats.counts(at),
      services.approvals.list({ status: "PENDING", limit: 20 }),
      services.stats.analysisAttempts(weekAgo, new Date(at.getTime() + 1)),
    ]);
    const llm = Object.values(llmUsage(attempts, services.llmPrices)).reduce(
      (sum, u) => ({
        calls: sum.calls + u.calls,
        failures: sum.failures + u.failures,
        tokens: sum.tokens + u.input_tokens + u.output_tokens,
        cost: sum.cost + u.cost_usd,
      }),
      { calls: 0, failures: 0, tokens: 0, cost: 0 },
    );
    const autonomy = autonomyStats(settlements, at);
    const volume = volumeStats(volumeRows, at);
    const mttr = mttrDaily(resolutions, at);
    const day = (date: string) => date.slice(5);

    const charts = [
      barChart(
        "Alerts per day",
        volume.daily.map((d) => ({ label: day(d.date), value: d.alerts })),
      ),
      lineChart(
        "Dedup ratio per day",
        volume.daily.map((d) => ({ label: day(d.date), value: d.dedup_ratio === null ? null : Math.round(d.dedup_ratio * 100) })),
        { unit: "%", max: 100, color: "#8250df" },
      ),
      lineChart(
        "MTTR per day",
        mttr.map((d) => ({ label: day(d.date), value: d.mttr_seconds === null ? null : Math.round(d.mttr_seconds / 60) })),
        { unit: " min", color: "#bc4c00" },
      ),
      barChart(
        "Autonomy index per day",
        autonomy.daily.map((d) => ({ label: day(d.date), value: d.autonomy_index })),
        { unit: "%", color: "#1a7f37" },
      ),
    ];

    return c.html(
      html`<!doctype html>
<html lang="en">
  <head>
    <meta charset="utf-8" />
    <meta name="viewport" content="width=device-width, initial-scale=1" />
    <meta name="robots" content="noindex, nofollow" />
    <meta http-equiv="refresh" content="60" />
    <title>AWOOOI status</title>
    <style>${STYLE}</style>
  </head>
  <body>
    <header>
      <div>
        <div class="sub">Autonomy index, last 7 days</div>
        <div class="headline" id="autonomy-index">${pct(autonomy.last_7d.autonomy_index)}</div>
        <div class="sub">${autonomy.last_7d.auto_resolved} settled automatically · ${autonomy.last_7d.human_resolved} by a human decision · 24 h: ${pct(autonomy.last_24h.autonomy_index)}</div>
      </div>
      <div class="sub">${at.toISOString().slice(0, 16).replace("T", " ")} UTC · ${viewer}</div>
    </header>
    <section class="cards">
      <div class="card"><b id="open-incidents">${counts.openIncidents}</b>open incidents</div>
      <div class="card"><b id="pending-approvals">${counts.pendingApprovals}</b>pending decisions</div>
      <div class="card"><b>${volume.last_24h.alerts}</b>alerts in 24 h</div>
      <div class="card"><b>${volume.last_24h.dedup_ratio === null ? "—" : `${Math.round(volume.last_24h.dedup_ratio * 100)}%`}</b>deduplicated</div>
    </section>
    <h2>Waiting on people</h2>
    ${
      pending.length === 0
        ? html`<p>Nothing is waiting for a decision.</p>`
        : html`<table>
      <thead><tr><th>priority</th><th>action</th><th>signatures</th><th class="hide-narrow">escalated to</th><th>waiting</th></tr></thead>
      <tbody>
        ${pending.map(
          (a) => html`<tr>
          <td class="${a.priority === "P0" ? "p0" : ""}">${a.priority} · ${a.riskLevel}</td>
          <td><a href="/api/v1/approvals/${a.id}">${a.action.operation}</a></td>
          <td>${a.signatures.filter((s) => s.decision === "approve").length}/${a.requiredSignatures}</td>
          <td class="hide-narrow">${ESCALATION_LADDER[a.escalationLevel] ?? ""}</td>
          <td>${ago(a.createdAt, at)}</td>
        </tr>`,
        )}
      </tbody>
    </table>`
    }
    <h2>Last 7 days</h2>
    <p class="sub" id="llm-usage">Models: ${llm.calls} calls (${llm.failures} failed), ${llm.tokens.toLocaleString("en-US")} tokens, about $${llm.cost.toFixed(2)} (<a href="/api/v1/stats/llm">per provider</a>)</p>
    <section class="charts">${raw(charts.join("\n"))}</section>
  </body>
</html>`,
      200,
      { "Cache-Control": "no-store", "X-Robots-Tag": "noindex" },
    );
  });
}
