import { RelayCallback } from "../../../shared/contracts/analysis.ts";
import { RelayCallbackAnswer } from "../../../shared/contracts/ops-api.ts";
import { describeRoute, jsonAnswer, jsonBody, refusals, SECURITY } from "../../../shared/http/route-docs.ts";

export const CALLBACK_PATH = "/api/v1/analyze/callback";

/** The Ollama relay's answer to a job, HMAC-signed over `timestamp.body`. */
export const RELAY_CALLBACK_ROUTE = describeRoute({
  method: "post",
  path: CALLBACK_PATH,
  summary: "The Ollama relay's answer to a job (HMAC-signed with RELAY_HMAC_SECRET)",
  tags: ["analyze"],
  security: SECURITY.signed,
  request: { body: jsonBody(RelayCallback) },
  responses: {
    200: jsonAnswer("used, ignored (late, duplicate or another job) or rejected (unusable: the next provider takes over)", RelayCallbackAnswer),
    ...refusals(400, 401, 404, 413),
  },
});

export const ANALYZE_ROUTES = [RELAY_CALLBACK_ROUTE];
