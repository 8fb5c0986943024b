import { OpenAPIHono } from "@hono/zod-openapi";
import { Digest } from "../../../shared/contracts/digest.ts";
import { describeRoute, jsonAnswer, refusals, SECURITY } from "../../../shared/http/route-docs.ts";
import { sendDigest } from "./digest.ts";
import type { ApproveEnv } from "./services.ts";

const DIGEST_RUN_ROUTE = describeRoute({
  method: "post",
  path: "/api/v1/digest/run",
  summary: "Sends the digest of the last 24 h now, to the team chat, Slack and e-mail (the cron sends it daily at DIGEST_AT)",
  tags: ["operations"],
  security: SECURITY.ops,
  responses: { 202: jsonAnswer("the digest, handed to notify", Digest), ...refusals(401, 503) },
});

/** The digest on demand (bearer OPS_TOKEN): composed now, handed to notify, answered with what it says. */
export const digestRoutes = () =>
  new OpenAPIHono<ApproveEnv>().openapi(DIGEST_RUN_ROUTE, async (c) => {
    const services = c.get("services");
    const requestId = c.get("requestId");
    const digest = await sendDigest(services, services.now(), `digest:run:${crypto.randomUUID()}`, requestId);
    return c.json(digest, 202);
  });
