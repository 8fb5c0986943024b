/** Server-rendered SVG charts for the status page: no scripts, readable at any width (viewBox scales). */

export interface Point {
  readonly label: string;
  readonly value: number | null;
}

const escapeXml = (text: string) => text.replaceAll("&", "&amp;").replaceAll("<", "&lt;").replaceAll(">", "&gt;").replaceAll('"', "&quot;");
const fmt = (n: number) => (Math.abs(n) >= 100 ? Math.round(n).toString() : Number(n.toFixed(2)).toString());

const W = 600;
const H = 220;
const PAD = { top: 28, right: 16, bottom: 34, left: 46 };

function frame(title: string, body: string, ariaSummary: string): string {
  return `<svg class="chart" viewBox="0 0 ${W} ${H}" role="img" aria-label="${escapeXml(`${title}: ${ariaSummary}`)}" xmlns="http://www.w3.org/2000/svg">
<title>${escapeXml(title)}</title>
<text x="${PAD.left}" y="18" font-size="14" font-weight="600" fill="currentColor">${escapeXml(title)}</text>
<line x1="${PAD.left}" y1="${H - PAD.bottom}" x2="${W - PAD.right}" y2="${H - PAD.bottom}" stroke="currentColor" stroke-opacity=".4"/>
${body}
</svg>`;
}

function axis(points: readonly Point[], max: number, unit: string): { x: (i: number) => number; y: (v: number) => number; labels: string } {
  const plotW = W - PAD.left - PAD.right;
  const plotH = H - PAD.top - PAD.bottom;
  const step = plotW / Math.max(points.length, 1);
  const x = (i: number) => PAD.left + step * i + step / 2;
  const y = (v: number) => PAD.top + plotH - (max === 0 ? 0 : (v / max) * plotH);
  const labels = [
    ...points.map((p, i) => `<text x="${x(i).toFixed(1)}" y="${H - 12}" font-size="11" text-anchor="middle" fill="currentColor">${escapeXml(p.label)}</text>`),
    `<text x="${PAD.left - 6}" y="${PAD.top + 4}" font-size="11" text-anchor="end" fill="currentColor">${escapeXml(fmt(max))}${escapeXml(unit)}</text>`,
    `<text x="${PAD.left - 6}" y="${H - PAD.bottom}" font-size="11" text-anchor="end" fill="currentColor">0</text>`,
  ].join("\n");
  return { x, y, labels };
}

/** Bars, one per point; a missing value draws nothing. */
export function barChart(title: string, points: readonly Point[], options: { unit?: string; color?: string } = {}): string {
  const max = Math.max(0, ...points.map((p) => p.value ?? 0));
  const { x, y, labels } = axis(points, max, options.unit ?? "");
  const width = ((W - PAD.left - PAD.right) / Math.max(points.length, 1)) * 0.6;
  const bars = points
    .map((p, i) =>
      p.value === null
        ? ""
        : `<rect class="bar" x="${(x(i) - width / 2).toFixed(1)}" y="${y(p.value).toFixed(1)}" width="${width.toFixed(1)}" height="${(H - PAD.bottom - y(p.value)).toFixed(1)}" fill="${options.color ?? "#2f6feb"}"><title>${escapeXml(`${p.label}: ${fmt(p.value)}${options.unit ?? ""}`)}</title></rect>`,
    )
    .join("\n");
  return frame(title, `${bars}\n${labels}`, points.map((p) => `${p.label} ${p.value ?? "n/a"}`).join(", "));
}

/** A line through the points that have values, with a dot on each. */
export function lineChart(title: string, points: readonly Point[], options: { unit?: string; color?: string; max?: number } = {}): string {
  const max = options.max ?? Math.max(0, ...points.map((p) => p.value ?? 0));
  const { x, y, labels } = axis(points, max, options.unit ?? "");
  const present = points.map((p, i) => ({ ...p, i })).filter((p) => p.value !== null);
  const path = present.map((p, n) => `${n === 0 ? "M" : "L"}${x(p.i).toFixed(1)},${y(p.value!).toFixed(1)}`).join(" ");
  const color = options.color ?? "#1a7f37";
  const dots = present
    .map(
      (p) =>
        `<circle class="dot" cx="${x(p.i).toFixed(1)}" cy="${y(p.value!).toFixed(1)}" r="3.5" fill="${color}"><title>${escapeXml(`${p.label}: ${fmt(p.value!)}${options.unit ?? ""}`)}</title></circle>`,
    )
    .join("\n");
  const line = present.length > 1 ? `<path d="${path}" fill="none" stroke="${color}" stroke-width="2"/>` : "";
  return frame(title, `${line}\n${dots}\n${labels}`, points.map((p) => `${p.label} ${p.value ?? "n/a"}`).join(", "));
}
