import { zValidator } from "@hono/zod-validator";
import type { MiddlewareHandler } from "hono";
import { bodyLimit } from "hono/body-limit";
import type { z } from "zod";
import { AppError, type FieldIssue } from "./errors.ts";

/** Turns zod issues into `{ field, message }` pairs with dotted paths. */
export function fieldIssues(error: z.ZodError): FieldIssue[] {
  return error.issues.slice(0, 20).map((issue) => ({
    field: issue.path.length > 0 ? issue.path.map(String).join(".") : "(body)",
    message: issue.message,
  }));
}

export function invalidBody(error: z.ZodError): AppError {
  const fields = fieldIssues(error);
  const first = fields[0];
  const summary = first ? `${first.field}: ${first.message}` : "body does not match the schema";
  return new AppError("invalid_body", `invalid body — ${summary}${fields.length > 1 ? ` (+${fields.length - 1} more)` : ""}`, { fields });
}

/**
 * The JSON body pipeline of every POST route: 413 over `maxBytes`, 415 for a
 * non-JSON content type, 400 for malformed JSON, 400 naming each bad field.
 */
export function jsonBody<S extends z.ZodType>(schema: S, options: { maxBytes: number }) {
  const limit = bodyLimit({
    maxSize: options.maxBytes,
    onError: () => {
      throw new AppError("payload_too_large", `body larger than ${options.maxBytes} bytes`);
    },
  });
  const requireJson: MiddlewareHandler = async (c, next) => {
    const type = c.req.header("Content-Type") ?? "";
    if (!/^application\/([a-z0-9.+-]*\+)?json\s*(;|$)/i.test(type)) {
      throw new AppError("unsupported_media_type", `Content-Type must be application/json (got "${type || "none"}")`);
    }
    await next();
  };
  const validate = zValidator("json", schema, (result) => {
    if (!result.success) throw invalidBody(result.error as unknown as z.ZodError);
  });
  return [limit, requireJson, validate] as const;
}
