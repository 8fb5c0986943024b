import { createHash } from "node:crypto";
import { describe, expect, it } from "vitest";
import { fingerprintOf } from "../../../shared/domain/fingerprint.ts";

const reference = (identity: string) => createHash("sha256").update(identity).digest("hex").slice(0, 16);

describe("fingerprintOf", () => {
  it("is the first 16 hex digits of SHA-256 over alert_type:namespace:target_resource", async () => {
    const fp = await fingerprintOf({ alert_type: "CPUThrottlingHigh", namespace: "production", target_resource: "api-server-7d4b8c9f5-xk2m3" });
    expect(fp).toBe(reference("CPUThrottlingHigh:production:api-server-7d4b8c9f5-xk2m3"));
    expect(fp).toMatch(/^[0-9a-f]{16}$/);
  });

  it("treats absent namespace and target as empty parts", async () => {
    expect(await fingerprintOf({ alert_type: "InstanceDown" })).toBe(reference("InstanceDown::"));
  });

  it("changes when any one part changes", async () => {
    const base = { alert_type: "A", namespace: "n", target_resource: "t" };
    const fps = await Promise.all([
      fingerprintOf(base),
      fingerprintOf({ ...base, alert_type: "B" }),
      fingerprintOf({ ...base, namespace: "m" }),
      fingerprintOf({ ...base, target_resource: "u" }),
    ]);
    expect(new Set(fps).size).toBe(4);
  });
});
