import type { DeliveryOutcome } from "../ports/channel-sender.ts";

export interface DeliveryRequest {
  readonly url: string;
  /** Default POST (PATCH for updates such as closing a ticket; GET reads, with no body). */
  readonly method?: "POST" | "PATCH" | "PUT" | "GET";
  readonly headers?: Record<string, string>;
  readonly body?: string;
  readonly timeoutMs?: number;
  /** Redacts secrets (tokens in URLs) from reasons. */
  readonly describe?: string;
}

/** The JSON an answer carried, or undefined when it carried none (to be parsed with the caller's schema). */
export function answerJson(answer: { readonly body?: string | undefined }): unknown {
  try {
    return JSON.parse(answer.body ?? "");
  } catch {
    return undefined;
  }
}

/**
 * POSTs (or PATCHes) and classifies the answer the way every channel here needs: 2xx sent;
 * 408, 429 and 5xx (and network errors, timeouts) retried — after Retry-After
 * or a channel-specific hint when given; any other 4xx permanent.
 */
export async function deliver(
  request: DeliveryRequest,
  options: { fetch?: typeof fetch; retryAfter?: (response: Response, body: string) => number | undefined } = {},
): Promise<DeliveryOutcome & { readonly status?: number; readonly body?: string }> {
  const send = options.fetch ?? fetch;
  const what = request.describe ?? "channel";
  let response: Response;
  try {
    response = await send(request.url, {
      method: request.method ?? "POST",
      headers: { ...(request.body !== undefined ? { "Content-Type": "application/json" } : {}), ...request.headers },
      ...(request.body !== undefined ? { body: request.body } : {}),
      signal: AbortSignal.timeout(request.timeoutMs ?? 10_000),
    });
  } catch (error) {
    return { kind: "retry", reason: `${what} unreachable: ${error instanceof Error ? error.message : String(error)}` };
  }
  const body = await response.text().catch(() => "");
  const excerpt = body.slice(0, 300);
  if (response.ok) return { kind: "sent", status: response.status, body };
  if (response.status === 408 || response.status === 429 || response.status >= 500) {
    const hinted = options.retryAfter?.(response, body);
    const header = Number(response.headers.get("Retry-After"));
    const afterSeconds = hinted ?? (Number.isFinite(header) && header > 0 ? header : undefined);
    return { kind: "retry", reason: `${what} answered ${response.status}: ${excerpt}`, afterSeconds, status: response.status, body };
  }
  return { kind: "permanent", reason: `${what} answered ${response.status}: ${excerpt}`, status: response.status, body };
}
