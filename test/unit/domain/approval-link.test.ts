import { describe, expect, it } from "vitest";
import { approvalLinkUrl, type LinkClaims, signLink, verifyLink } from "../../../shared/domain/approval-link.ts";

const KEY = "current-key-0123456789abcdef0123456789";
const OLD = "previous-key-0123456789abcdef012345678";
const claims: LinkClaims = { approvalId: "2e6423ba-6e0d-4609-a742-2e9d8e359f61", approver: "alice", expiresAt: 2_000 };

describe("approval links", () => {
  it("verifies a link signed with the current key before it expires", async () => {
    expect(await verifyLink(claims, await signLink(claims, KEY), [KEY], 1_999)).toBe("valid");
  });

  it("refuses a signature whose text was altered even where base64 would decode it to the same bytes", async () => {
    const signature = await signLink(claims, KEY);
    const alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
    // The last of 43 characters carries 4 bits of the digest and 2 spare bits: three other spellings decode the same.
    const last = alphabet.indexOf(signature.at(-1)!);
    const twins = [0, 1, 2, 3].map((spare) => alphabet[(last & ~3) | spare]!).filter((ch) => ch !== signature.at(-1));
    expect(twins).toHaveLength(3);
    for (const ch of twins) expect(await verifyLink(claims, signature.slice(0, -1) + ch, [KEY], 1_000)).toBe("invalid");
  });

  it("accepts the previous key during rotation", async () => {
    expect(await verifyLink(claims, await signLink(claims, OLD), [KEY, OLD], 1_000)).toBe("valid");
    expect(await verifyLink(claims, await signLink(claims, OLD), [KEY], 1_000)).toBe("invalid");
  });

  it("reports an expired link only when its signature is genuine", async () => {
    const sig = await signLink(claims, KEY);
    expect(await verifyLink(claims, sig, [KEY], 2_000)).toBe("expired");
    expect(await verifyLink({ ...claims, approver: "mallory" }, sig, [KEY], 2_000)).toBe("invalid");
  });

  it.each([
    ["approval id", { approvalId: "00000000-0000-4000-8000-000000000000" }],
    ["approver", { approver: "bob" }],
    ["expiry", { expiresAt: 9_999_999 }],
  ])("refuses a link whose %s was changed", async (_field, change) => {
    const sig = await signLink(claims, KEY);
    expect(await verifyLink({ ...claims, ...change }, sig, [KEY], 1_000)).toBe("invalid");
  });

  it.each(["", "not base64!", "AAAA", "a".repeat(200), "A"])("refuses the malformed signature %j", async (sig) => {
    expect(await verifyLink(claims, sig, [KEY], 1_000)).toBe("invalid");
  });

  it("puts approver, expiry and signature into the link", async () => {
    const sig = await signLink(claims, KEY);
    const url = new URL(approvalLinkUrl("https://awoooi.test", claims, sig));
    expect(url.pathname).toBe(`/approve/${claims.approvalId}`);
    expect(Object.fromEntries(url.searchParams)).toEqual({ approver: "alice", expires: "2000", sig });
  });
});
