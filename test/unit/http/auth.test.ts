import { describe, expect, it } from "vitest";
import { checkToken, sameSecret } from "../../../shared/http/auth.ts";
import { AppError } from "../../../shared/http/errors.ts";

describe("sameSecret", () => {
  it("accepts exactly the expected secret, again and again (its digest is kept)", async () => {
    expect(await sameSecret("s3cret-token", "s3cret-token")).toBe(true);
    expect(await sameSecret("s3cret-token", "s3cret-token")).toBe(true);
  });

  it("refuses a different secret of the same length, a prefix, a longer one and an empty one", async () => {
    for (const presented of ["s3cret-tokeN", "s3cret-toke", "s3cret-token!", "", " s3cret-token"]) {
      expect(await sameSecret(presented, "s3cret-token")).toBe(false);
    }
  });

  it("keeps each configured secret apart", async () => {
    expect(await sameSecret("token-a", "token-b")).toBe(false);
    expect(await sameSecret("token-b", "token-b")).toBe(true);
    expect(await sameSecret("token-a", "token-a")).toBe(true);
  });
});

describe("checkToken", () => {
  const realm = { realm: "test", allowBasic: true };

  it("takes the token as Bearer or as Basic auth's password", async () => {
    await expect(checkToken("Bearer abc123", "abc123", realm)).resolves.toBeUndefined();
    await expect(checkToken(`Basic ${btoa("signoz:abc123")}`, "abc123", realm)).resolves.toBeUndefined();
  });

  it("answers 401 naming what is wrong, with a WWW-Authenticate challenge", async () => {
    const refusal = (header: string | undefined) =>
      checkToken(header, "abc123", realm).then(
        () => undefined,
        (error: unknown) => error as AppError,
      );
    const missing = await refusal(undefined);
    expect(missing).toBeInstanceOf(AppError);
    expect(missing?.message).toContain("missing Authorization");
    expect((await refusal("Bearer abc124"))?.message).toBe("invalid credentials");
    expect((await refusal(`Basic ${btoa("abc123")}`))?.message).toBe("invalid credentials");
    expect((await refusal("Token abc123"))?.message).toBe("invalid credentials");
  });
});
