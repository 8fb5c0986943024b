// An executor as AWOOOI expects one (docs/trust.md "Execution hand-off"):
// verifies the HMAC on each hand-off and records it. Behaviour is chosen by the
// approved command, so tests inside workerd can steer it: an action in the
// namespace `executor-refuse` gets a 400, in `executor-down` a 503. `GET /?execution_id=`
// returns the hand-offs received for that execution.
import { createHmac, timingSafeEqual } from "node:crypto";
import { startJsonServer } from "./json-server.ts";

export const TEST_EXECUTOR_SECRET = "test-executor-hmac-secret-0123456789";

interface HandOff {
  readonly signatureValid: boolean;
  readonly headers: Record<string, string | string[] | undefined>;
  readonly body: Record<string, unknown>;
}

function validSignature(headers: Record<string, string | string[] | undefined>, rawBody: string): boolean {
  const timestamp = String(headers["x-awoooi-timestamp"] ?? "");
  const signature = String(headers["x-awoooi-signature"] ?? "");
  const expected = createHmac("sha256", TEST_EXECUTOR_SECRET).update(`${timestamp}.${rawBody}`).digest("hex");
  return signature.length === expected.length && timingSafeEqual(Buffer.from(signature), Buffer.from(expected));
}

export async function startFakeExecutor() {
  const received: HandOff[] = [];
  const server = await startJsonServer((exchange) => {
    if (exchange.method === "GET") {
      const id = new URL(exchange.path, "http://local").searchParams.get("execution_id");
      exchange.send(
        200,
        received.filter((r) => !id || r.body.execution_id === id),
      );
      return;
    }
    const body = exchange.body as Record<string, unknown>;
    const signatureValid = validSignature(exchange.headers, exchange.rawBody);
    received.push({ signatureValid, headers: exchange.headers, body });
    const command = String(body.command ?? "");
    if (!signatureValid) return exchange.send(401, { error: "bad signature" });
    if (command.includes("executor-refuse")) return exchange.send(400, { error: "unknown namespace" });
    if (command.includes("executor-down")) return exchange.send(503, { error: "maintenance" }, { "Retry-After": "30" });
    exchange.send(202, { accepted: true });
  });
  return { ...server, received, env: { TEST_EXECUTOR_URL: server.url, TEST_EXECUTOR_SECRET } };
}
