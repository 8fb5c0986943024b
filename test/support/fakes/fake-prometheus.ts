// A local server speaking the Prometheus HTTP API's queries (PROTOCOLS §22):
// `/api/v1/query` and `/api/v1/query_range`, by GET or form-encoded POST. It
// checks what Prometheus checks — a query, numeric or RFC 3339 times, a step,
// the 11,000-points limit — and answers in its envelope, errors included.

import { startJsonServer } from "./json-server.ts";

type Labels = Record<string, string>;

export interface FakePrometheus {
  readonly url: string;
  readonly queries: Array<{ path: string; params: Record<string, string> }>;
  /** Series an expression returns: labels and a function from unix seconds to a value ("NaN" allowed). */
  define(expr: string, series: Array<{ labels: Labels; at: (t: number) => number | string }>): void;
  close(): Promise<void>;
}

const bad = (error: string) => ({ status: "error", errorType: "bad_data", error });

function timeOf(text: string | undefined): number | undefined {
  if (text === undefined) return undefined;
  const asNumber = Number(text);
  if (text.trim() !== "" && Number.isFinite(asNumber)) return asNumber;
  const parsed = Date.parse(text);
  return Number.isNaN(parsed) ? Number.NaN : parsed / 1000;
}

function stepOf(text: string | undefined): number {
  if (text === undefined) return Number.NaN;
  const unit = /^(\d+)(ms|s|m|h)$/.exec(text);
  if (unit) return Number(unit[1]) * { ms: 0.001, s: 1, m: 60, h: 3_600 }[unit[2] as "ms" | "s" | "m" | "h"];
  return Number(text);
}

export async function startFakePrometheus(): Promise<FakePrometheus> {
  const expressions = new Map<string, Array<{ labels: Labels; at: (t: number) => number | string }>>();
  const queries: FakePrometheus["queries"] = [];
  const server = await startJsonServer((x) => {
    const url = new URL(x.path, "http://prometheus");
    const form = x.method === "POST" && String(x.headers["content-type"] ?? "").startsWith("application/x-www-form-urlencoded");
    if (x.method === "POST" && !form) return x.send(400, bad("unsupported Content-Type for POST"));
    const params = Object.fromEntries(form ? new URLSearchParams(x.rawBody) : url.searchParams);
    queries.push({ path: url.pathname, params });
    const query = params.query;
    if (!query) return x.send(400, bad('invalid parameter "query": parse error: no expression found in input'));
    const series = expressions.get(query);
    if (!series) return x.send(400, bad(`invalid parameter "query": 1:1: parse error: unknown expression ${JSON.stringify(query.slice(0, 40))}`));
    const value = (at: (t: number) => number | string, t: number) => {
      const v = at(t);
      return typeof v === "number" ? String(v) : v;
    };
    if (url.pathname === "/api/v1/query") {
      const time = timeOf(params.time) ?? Date.now() / 1000;
      if (Number.isNaN(time)) return x.send(400, bad(`invalid parameter "time": cannot parse "${params.time}" to a valid timestamp`));
      return x.send(200, {
        status: "success",
        data: { resultType: "vector", result: series.map((s) => ({ metric: s.labels, value: [time, value(s.at, time)] })) },
      });
    }
    if (url.pathname === "/api/v1/query_range") {
      const start = timeOf(params.start);
      const end = timeOf(params.end);
      const step = stepOf(params.step);
      if (start === undefined || Number.isNaN(start)) return x.send(400, bad(`invalid parameter "start": cannot parse "${params.start}" to a valid timestamp`));
      if (end === undefined || Number.isNaN(end)) return x.send(400, bad(`invalid parameter "end": cannot parse "${params.end}" to a valid timestamp`));
      if (end < start) return x.send(400, bad('invalid parameter "end": end timestamp must not be before start time'));
      if (!(step > 0))
        return x.send(400, bad('invalid parameter "step": zero or negative query resolution step widths are not accepted. Try a positive integer'));
      if ((end - start) / step > 11_000) {
        return x.send(400, bad("exceeded maximum resolution of 11,000 points per timeseries. Try decreasing the query resolution (?step=XX)"));
      }
      const times: number[] = [];
      for (let t = start; t <= end; t += step) times.push(t);
      return x.send(200, {
        status: "success",
        data: { resultType: "matrix", result: series.map((s) => ({ metric: s.labels, values: times.map((t) => [t, value(s.at, t)]) })) },
      });
    }
    return x.send(404, { status: "error", errorType: "not_found", error: "page not found" });
  });
  return {
    url: server.url,
    queries,
    define: (expr, series) => void expressions.set(expr, series),
    close: server.close,
  };
}
