import * as z from "zod/v4";
import { Operation, Rca } from "../contracts/rca.ts";
import { clip, storableDeep, storableText } from "./text.ts";

/** The verdict a model must produce: the Rca without who produced it. */
export const RcaVerdict = Rca.omit({ provider: true, model: true }).extend({
  dry_run_checks: Rca.shape.dry_run_checks.default([]),
});
export type RcaVerdict = z.infer<typeof RcaVerdict>;

/** JSON Schema of the verdict, for Ollama's `format` and Anthropic's tool `input_schema`. */
export function rcaVerdictJsonSchema(): Record<string, unknown> {
  const schema = z.toJSONSchema(RcaVerdict, { target: "draft-7", io: "input" }) as Record<string, unknown>;
  const { $schema: _ignored, ...rest } = schema;
  return rest;
}

export type VerdictParse = { readonly ok: true; readonly verdict: RcaVerdict } | { readonly ok: false; readonly reason: string };

/**
 * Extracts a verdict from a model's text: a ```json fenced block if there is
 * one, else the outermost {...}. Never throws.
 */
export function parseVerdictText(text: string): VerdictParse {
  const fenced = /```(?:json)?\s*([\s\S]*?)```/i.exec(text);
  const candidate = fenced?.[1] ?? outermostObject(text);
  if (!candidate) return { ok: false, reason: "no JSON object in the answer" };
  let value: unknown;
  try {
    value = JSON.parse(candidate);
  } catch (error) {
    return { ok: false, reason: storableText(`answer is not valid JSON (${error instanceof Error ? clip(error.message, 80) : "parse error"})`) };
  }
  return parseVerdictObject(value);
}

/**
 * Validates a verdict object after forgiving only harmless drift: case of enum
 * words, confidence given as a 0–1 fraction or outside 0–100 (clamped).
 * An operation outside the allow-list is refused, never mapped.
 */
export function parseVerdictObject(value: unknown): VerdictParse {
  if (!value || typeof value !== "object" || Array.isArray(value)) return { ok: false, reason: "answer is not a JSON object" };
  // Model text is stored as jsonb: scrubbed of NUL and lone surrogates here, once, whatever the provider.
  const draft = storableDeep(value) as Record<string, any>;
  if (typeof draft.risk_level === "string") draft.risk_level = draft.risk_level.trim().toLowerCase();
  if (draft.blast_radius && typeof draft.blast_radius.data_impact === "string")
    draft.blast_radius.data_impact = draft.blast_radius.data_impact
      .trim()
      .toLowerCase()
      .replace(/[\s-]+/g, "_");
  if (draft.blast_radius && typeof draft.blast_radius.affected_pods === "number")
    draft.blast_radius.affected_pods = Math.max(0, Math.round(draft.blast_radius.affected_pods));
  if (draft.suggested_action && typeof draft.suggested_action.operation === "string") {
    const operation = draft.suggested_action.operation
      .trim()
      .toUpperCase()
      .replace(/[\s-]+/g, "_");
    if (!(Operation.options as readonly string[]).includes(operation))
      return { ok: false, reason: `operation "${clipReason(draft.suggested_action.operation)}" is not allowed` };
    draft.suggested_action.operation = operation;
  }
  if (typeof draft.confidence === "string" && draft.confidence.trim() !== "") draft.confidence = Number(draft.confidence);
  if (typeof draft.confidence === "number" && Number.isFinite(draft.confidence)) {
    const scaled = draft.confidence > 0 && draft.confidence <= 1 && !Number.isInteger(draft.confidence) ? draft.confidence * 100 : draft.confidence;
    draft.confidence = Math.min(100, Math.max(0, scaled));
  }
  const parsed = RcaVerdict.safeParse(draft);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    return { ok: false, reason: `verdict does not match the schema: ${issue?.path.join(".") || "(root)"} ${issue?.message ?? ""}`.trim() };
  }
  return { ok: true, verdict: parsed.data };
}

function outermostObject(text: string): string | undefined {
  const start = text.indexOf("{");
  const end = text.lastIndexOf("}");
  return start !== -1 && end > start ? text.slice(start, end + 1) : undefined;
}

function clipReason(text: string): string {
  return storableText(clip(text, 40));
}
