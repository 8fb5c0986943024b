import type { MiddlewareHandler } from "hono";
import { bodyLimit } from "hono/body-limit";
import { AppError } from "./errors.ts";

/**
 * Refuses a body over `maxBytes` with 413 before it is read whole: from its
 * Content-Length when it has one, else while streaming it in.
 */
export function boundedBody(maxBytes: number, what = "body"): MiddlewareHandler {
  return bodyLimit({
    maxSize: maxBytes,
    onError: () => {
      throw new AppError("payload_too_large", `${what} larger than ${maxBytes} bytes`);
    },
  });
}

/** Documented caps (docs/api.md). */
export const BODY_LIMITS = {
  /** Approve's confirm-page and result forms: a decision, a comment, the link's fields. */
  approvalForm: 16 * 1024,
  /** An executor's signed result report (output excerpt included). */
  executionResult: 64 * 1024,
  /** A Telegram Update or a Slack interaction: a button press or a command, a few KiB. */
  chatUpdate: 64 * 1024,
  /** The relay's signed callback (a model's whole answer). */
  relayCallback: 512 * 1024,
} as const;
