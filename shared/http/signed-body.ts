import type { Context } from "hono";
import type * as z from "zod/v4";
import { AppError } from "./errors.ts";
import { SIGNATURE_HEADER, TIMESTAMP_HEADER, verifySignedRequest } from "./signatures.ts";
import { invalidBody } from "./validation.ts";

/**
 * Reads a JSON body signed by `signedHeaders` (HMAC over `timestamp.body`):
 * the signature over the exact bytes, then the schema. Each refusal is the
 * shared JSON error (401, 400 naming the field). The route bounds the body's
 * size first (`boundedBody`), before anything reads it.
 */
export async function readSignedJson<S extends z.ZodType>(
  c: Context,
  options: { secret: string; schema: S; who: string; nowSeconds?: number },
): Promise<z.infer<S>> {
  const body = await c.req.text();
  const authentic = await verifySignedRequest(
    options.secret,
    body,
    { timestamp: c.req.header(TIMESTAMP_HEADER), signature: c.req.header(SIGNATURE_HEADER) },
    options.nowSeconds ?? Math.floor(Date.now() / 1000),
  );
  if (!authentic) throw new AppError("unauthorized", `missing or invalid ${options.who} signature`);
  let json: unknown;
  try {
    json = JSON.parse(body);
  } catch {
    throw new AppError("invalid_json", "body is not valid JSON");
  }
  const parsed = options.schema.safeParse(json);
  if (!parsed.success) throw invalidBody(parsed.error);
  return parsed.data;
}
