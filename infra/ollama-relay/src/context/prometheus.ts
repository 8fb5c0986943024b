import * as z from "zod/v4";
import type { MetricContext, SeriesSummary } from "../../../../shared/contracts/context.ts";

const MAX_SERIES = 10;
const HOUR_SECONDS = 3_600;
const STEP_SECONDS = 60;

/**
 * The PromQL behind an alert: Prometheus links each alert to
 * `/graph?g0.expr=<QueryEscape(expr)>&g0.tab=1`; form decoding turns its `+` back into spaces.
 */
export function promqlOf(generatorUrl: string | undefined): string | undefined {
  if (!generatorUrl) return undefined;
  try {
    const expr = new URL(generatorUrl).searchParams.get("g0.expr")?.trim();
    return expr || undefined;
  } catch {
    return undefined;
  }
}

const Sample = z.tuple([z.number(), z.string()]);
const Answer = z.discriminatedUnion("status", [
  z.object({
    status: z.literal("success"),
    data: z.discriminatedUnion("resultType", [
      z.object({ resultType: z.literal("vector"), result: z.array(z.object({ metric: z.record(z.string(), z.string()), value: Sample })) }),
      z.object({ resultType: z.literal("matrix"), result: z.array(z.object({ metric: z.record(z.string(), z.string()), values: z.array(Sample) })) }),
      z.object({ resultType: z.literal("scalar"), result: Sample }),
      z.object({ resultType: z.literal("string"), result: Sample }),
    ]),
  }),
  z.object({ status: z.literal("error"), errorType: z.string().optional(), error: z.string().optional() }),
]);
type Answer = z.infer<typeof Answer>;
type Data = Extract<Answer, { status: "success" }>["data"];

/** Sample values are strings ("NaN", "+Inf" included); JSON cannot carry NaN or infinities. */
const numberOf = (text: string): number | null => {
  const value = Number(text);
  return Number.isFinite(value) ? value : null;
};

const keyOf = (labels: Record<string, string>) => JSON.stringify(Object.entries(labels).sort(([a], [b]) => a.localeCompare(b)));

/** The instant value and the last hour's range, one summary per series (at most ten). */
export function summarize(query: string, instant: Data, range: Data): MetricContext {
  const series = new Map<string, SeriesSummary>();
  if (instant.resultType === "vector") {
    for (const { metric, value } of instant.result) series.set(keyOf(metric), { labels: clipLabels(metric), now: numberOf(value[1]) });
  } else if (instant.resultType === "scalar") {
    series.set("{}", { labels: {}, now: numberOf(instant.result[1]) });
  }
  if (range.resultType === "matrix") {
    for (const { metric, values } of range.result) {
      const numbers = values.map(([, v]) => numberOf(v)).filter((v): v is number => v !== null);
      const key = keyOf(metric);
      const known = series.get(key) ?? { labels: clipLabels(metric), now: null };
      series.set(key, {
        ...known,
        min: numbers.length > 0 ? Math.min(...numbers) : null,
        max: numbers.length > 0 ? Math.max(...numbers) : null,
        samples: values.length,
      });
    }
  }
  return { query: query.slice(0, 2_000), series: [...series.values()].slice(0, MAX_SERIES) };
}

function clipLabels(labels: Record<string, string>): Record<string, string> {
  return Object.fromEntries(
    Object.entries(labels)
      .slice(0, 12)
      .map(([k, v]) => [k.slice(0, 128), v.slice(0, 200)]),
  );
}

/**
 * Evaluates the expression now and over the last hour (`/api/v1/query` and
 * `/api/v1/query_range`, step 60 s). Throws with the server's own words on an
 * error answer; the caller names it as the missing part's reason.
 */
export async function readMetrics(
  prometheusUrl: string,
  query: string,
  now: Date,
  signal: AbortSignal,
  fetchImpl: typeof fetch = fetch,
): Promise<MetricContext> {
  const end = Math.floor(now.getTime() / 1000);
  const ask = async (path: string, params: Record<string, string>): Promise<Data> => {
    const response = await fetchImpl(new URL(path, withSlash(prometheusUrl)), {
      method: "POST",
      // Form-encoded POST: long expressions do not hit URL length limits.
      headers: { "Content-Type": "application/x-www-form-urlencoded", Accept: "application/json" },
      body: new URLSearchParams({ query, ...params }),
      signal,
    });
    const parsed = Answer.safeParse(await response.json().catch(() => undefined));
    if (!parsed.success) throw new Error(`Prometheus answered HTTP ${response.status} without a query result`);
    if (parsed.data.status === "error") throw new Error(`Prometheus ${parsed.data.errorType ?? "error"}: ${(parsed.data.error ?? "").slice(0, 200)}`);
    return parsed.data.data;
  };
  const [instant, range] = await Promise.all([
    ask("api/v1/query", { time: String(end) }),
    ask("api/v1/query_range", { start: String(end - HOUR_SECONDS), end: String(end), step: String(STEP_SECONDS) }),
  ]);
  return summarize(query, instant, range);
}

/** `new URL("api/v1/query", base)` keeps a path prefix only when the base ends with a slash. */
const withSlash = (url: string) => (url.endsWith("/") ? url : `${url}/`);
