// Load generation for `npm run bench`: requests at a fixed concurrency, and
// the Alertmanager bodies the scenarios post.

export const quantile = (sorted: readonly number[], q: number) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? 0;

export interface LoadFigures {
  readonly requests: number;
  readonly failures: number;
  readonly rps: number;
  readonly p50_ms: number;
  readonly p99_ms: number;
}

/** Sends `total` requests, `concurrency` at a time; answers rate and latency. */
export async function load(total: number, concurrency: number, send: (i: number) => Promise<Response>): Promise<LoadFigures> {
  const latencies: number[] = [];
  let next = 0;
  let failures = 0;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < total) {
        const i = next++;
        const t0 = performance.now();
        const response = await send(i);
        await response.arrayBuffer();
        latencies.push(performance.now() - t0);
        if (response.status >= 300) failures++;
      }
    }),
  );
  const seconds = (performance.now() - started) / 1000;
  latencies.sort((a, b) => a - b);
  return {
    requests: total,
    failures,
    rps: Math.round(total / seconds),
    p50_ms: Number(quantile(latencies, 0.5).toFixed(1)),
    p99_ms: Number(quantile(latencies, 0.99).toFixed(1)),
  };
}

export function alertmanagerBody(alerts: ReadonlyArray<{ name: string; ns: string; pod: string }>): string {
  return JSON.stringify({
    version: "4",
    status: "firing",
    receiver: "awoooi",
    alerts: alerts.map((a) => ({
      status: "firing",
      labels: { alertname: a.name, severity: "warning", namespace: a.ns, pod: a.pod },
      annotations: { summary: `${a.name} on ${a.pod}` },
      startsAt: new Date().toISOString(),
    })),
  });
}

export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
