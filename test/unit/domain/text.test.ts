import { describe, expect, it } from "vitest";
import { normalizeAlertmanagerAlert } from "../../../shared/domain/normalize/alertmanager.ts";
import { normalizeCanonicalAlert } from "../../../shared/domain/normalize/canonical.ts";
import { scrubAlert } from "../../../shared/domain/normalize/scrub-alert.ts";
import { parseVerdictText } from "../../../shared/domain/rca-parse.ts";
import { capPayload, clip, storableDeep, storableText } from "../../../shared/domain/text.ts";
import { alertmanagerBody } from "../../support/fixtures/alertmanager.ts";

/** What Postgres text/jsonb refuse: NUL, or a UTF-16 surrogate without its partner. */
const unstorable = (text: string) => text.includes("\u0000") || !text.isWellFormed();
const anyUnstorable = (value: unknown): boolean => unstorable(JSON.stringify(value) === undefined ? "" : collectStrings(value).join("\n"));
function collectStrings(value: unknown): string[] {
  if (typeof value === "string") return [value];
  if (Array.isArray(value)) return value.flatMap(collectStrings);
  if (value && typeof value === "object") return Object.entries(value).flatMap(([k, v]) => [k, ...collectStrings(v)]);
  return [];
}

describe("storable text", () => {
  it("clip never cuts a surrogate pair in half", () => {
    const text = `${"a".repeat(1_998)}🔥b`;
    const clipped = clip(text, 2_000);
    expect(clipped.length).toBeLessThanOrEqual(2_000);
    expect(clipped.isWellFormed()).toBe(true);
    expect(clipped).toBe(`${"a".repeat(1_998)}…`);
    expect(clip(`${"a".repeat(1_997)}🔥bc`, 2_000)).toBe(`${"a".repeat(1_997)}🔥…`);
  });

  it("turns NUL into a visible ␀ and lone surrogates into the replacement character", () => {
    expect(storableText("a\u0000b\uD800c\uDFFF")).toBe("a\u2400b\uFFFDc\uFFFD");
    expect(storableDeep({ "k\u0000": ["x\uD83D", { y: "\u0000" }], n: 1, t: true, z: null })).toEqual({
      "k\u2400": ["x\uFFFD", { y: "\u2400" }],
      n: 1,
      t: true,
      z: null,
    });
  });

  it("keeps a truncated raw payload's prefix whole", () => {
    const payload = { text: "🔥".repeat(10_000) };
    const capped = capPayload(payload, 1_001) as { prefix: string };
    expect(capped.prefix.isWellFormed()).toBe(true);
  });

  it("repro: an Alertmanager summary of 1,998 × a then 🔥b is storable after normalization", () => {
    const body = alertmanagerBody([{ annotations: { summary: `${"a".repeat(1_998)}🔥b` } }]);
    const alert = scrubAlert(normalizeAlertmanagerAlert(body.alerts[0]!, body));
    expect(anyUnstorable(alert)).toBe(false);
    expect(alert.message.endsWith("…")).toBe(true);
  });

  it("repro: a canonical alert whose raw_payload holds a NUL, and a NUL in its source, is storable", () => {
    const alert = scrubAlert(
      normalizeCanonicalAlert(
        { alert_type: "A", severity: "warning", source: "s\u0000rc", message: "m", raw_payload: { x: "a\u0000b", "k\uDC00": 1 } },
        new Date(),
      ),
    );
    expect(anyUnstorable(alert)).toBe(false);
    expect(alert.raw_payload).toEqual({ x: "a\u2400b", "k\uFFFD": 1 });
    expect(alert.source).toBe("src");
  });

  it("repro: a verdict containing NUL and lone surrogates parses into storable text, whatever the provider", () => {
    const answer = JSON.stringify({
      root_cause: "disk\u0000full \uD800",
      confidence: 80,
      risk_level: "low",
      suggested_action: { operation: "DELETE_POD", command: "kubectl delete pod x\u0000", description: "restart" },
      blast_radius: { affected_pods: 1, data_impact: "none", related_services: ["api\u0000"], estimated_downtime: "1m\uDC00" },
    });
    const parsed = parseVerdictText(answer);
    expect(parsed).toMatchObject({ ok: true });
    if (parsed.ok) expect(anyUnstorable(parsed.verdict)).toBe(false);
  });
});
