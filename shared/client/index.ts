import { type ClientResponse, hc } from "hono/client";
import type { SuccessStatusCode } from "hono/utils/http-status";
import type { ApproveApp } from "../../functions/approve/src/app.ts";

/**
 * The ops API's typed client: Hono's `hc` over the approve app's own route
 * types, so a path, a query parameter or an answer's field that the API does
 * not have is a compile error here, in the smoke CLI and in the tests.
 *
 *   const ops = opsClient("https://awoooi.example.com", token);
 *   const incident = await answerOf(ops.api.v1.incidents[":incidentId"].$get({ param: { incidentId } }));
 */
export function opsClient(baseUrl: string, opsToken: string, options: { readonly fetch?: typeof fetch } = {}) {
  return hc<ApproveApp>(baseUrl, { headers: { Authorization: `Bearer ${opsToken}` }, ...(options.fetch ? { fetch: options.fetch } : {}) });
}

export type OpsClient = ReturnType<typeof opsClient>;

/** A refusal from the API: its status and the shared error body's code and message. */
export class OpsApiError extends Error {
  readonly status: number;
  readonly code: string;
  constructor(status: number, code: string, message: string) {
    super(`${status} ${code}: ${message}`);
    this.name = "OpsApiError";
    this.status = status;
    this.code = code;
  }
}

type SuccessBody<R> = R extends ClientResponse<infer T, infer S, "json"> ? (S extends SuccessStatusCode ? T : never) : never;

/** The JSON of a successful answer, typed by the route's description; anything else throws OpsApiError. */
export async function answerOf<R extends ClientResponse<unknown, number, "json">>(response: Promise<R> | R): Promise<SuccessBody<R>> {
  const settled = await response;
  if (settled.ok) return (await settled.json()) as SuccessBody<R>;
  const body = (await settled.json().catch(() => undefined)) as { error?: { code?: string; message?: string } } | undefined;
  throw new OpsApiError(settled.status, body?.error?.code ?? "unknown", body?.error?.message ?? settled.statusText);
}
