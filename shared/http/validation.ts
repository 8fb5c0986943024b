import { zValidator } from "@hono/zod-validator";
import type * as z from "zod/v4";
import { AppError, type FieldIssue } from "./errors.ts";

/** Turns zod issues into `{ field, message }` pairs with dotted paths. */
export function fieldIssues(error: z.ZodError): FieldIssue[] {
  return error.issues.slice(0, 20).map((issue) => {
    const path = issue.path.map(String);
    // An unknown key is named itself, so "priorty" is what the client is told about.
    if (issue.code === "unrecognized_keys") return { field: [...path, issue.keys.join(",")].join("."), message: "is not a known field" };
    return { field: path.length > 0 ? path.join(".") : "(body)", message: issue.message };
  });
}

export function invalidBody(error: z.ZodError): AppError {
  const fields = fieldIssues(error);
  const first = fields[0];
  const summary = first ? `${first.field}: ${first.message}` : "body does not match the schema";
  return new AppError("invalid_body", `invalid body — ${summary}${fields.length > 1 ? ` (+${fields.length - 1} more)` : ""}`, { fields });
}

/** `@hono/zod-validator` with the shared error shape: a 400 naming each bad field; malformed JSON is a 400 too. */
export function validateJson<S extends z.ZodType>(schema: S) {
  return zValidator("json", schema, (result) => {
    if (!result.success) throw invalidBody(result.error as unknown as z.ZodError);
  });
}

const PART_NAMES: Record<string, string> = { query: "query", param: "path", header: "header", cookie: "cookie" };

/**
 * The hook an OpenAPIHono app validates every described route with: the
 * same 400 as `validateJson` for bodies, `invalid query — field: message`
 * (or path, header) for the rest.
 */
export function refuseInvalid(result: { success: boolean; target: string; error?: unknown }): void {
  if (result.success) return;
  const error = result.error as z.ZodError;
  if (result.target === "json" || result.target === "form") throw invalidBody(error);
  const fields = fieldIssues(error);
  const part = PART_NAMES[result.target] ?? result.target;
  throw new AppError("invalid_request", `invalid ${part} — ${fields[0]?.field}: ${fields[0]?.message}`, { fields });
}
