/**
 * Per-approver approval links, HMAC-SHA-256 signed over approval id, approver and
 * expiry. Verification accepts the current key or the previous one, so keys can be
 * rotated without breaking links already sent. WebCrypto's `verify` compares in
 * constant time.
 */

export interface LinkClaims {
  readonly approvalId: string;
  readonly approver: string;
  /** Unix seconds. */
  readonly expiresAt: number;
}

export type LinkVerdict = "valid" | "expired" | "invalid";

const encoder = new TextEncoder();

function message(claims: LinkClaims): Uint8Array<ArrayBuffer> {
  return new Uint8Array(encoder.encode(`awoooi-approval-link:v1\n${claims.approvalId}\n${claims.approver}\n${claims.expiresAt}`));
}

async function hmacKey(secret: string, usage: "sign" | "verify"): Promise<CryptoKey> {
  return crypto.subtle.importKey("raw", encoder.encode(secret), { name: "HMAC", hash: "SHA-256" }, false, [usage]);
}

export async function signLink(claims: LinkClaims, secret: string): Promise<string> {
  const signature = await crypto.subtle.sign("HMAC", await hmacKey(secret, "sign"), message(claims));
  return toBase64Url(new Uint8Array(signature));
}

/**
 * Checks a link's signature against each key (current first), then its expiry.
 * A forged link is `invalid` even when also expired, so forgeries never learn more.
 */
export async function verifyLink(claims: LinkClaims, signature: string, secrets: readonly string[], nowSeconds: number): Promise<LinkVerdict> {
  const bytes = fromBase64Url(signature);
  if (bytes?.length !== 32) return "invalid";
  for (const secret of secrets) {
    if (await crypto.subtle.verify("HMAC", await hmacKey(secret, "verify"), bytes, message(claims))) {
      return claims.expiresAt > nowSeconds ? "valid" : "expired";
    }
  }
  return "invalid";
}

/** The link an approver clicks: GET shows the confirm page, the page's form POSTs the decision. */
export function approvalLinkUrl(baseUrl: string, claims: LinkClaims, signature: string): string {
  const url = new URL(`/approve/${encodeURIComponent(claims.approvalId)}`, baseUrl);
  url.searchParams.set("approver", claims.approver);
  url.searchParams.set("expires", String(claims.expiresAt));
  url.searchParams.set("sig", signature);
  return url.toString();
}

function toBase64Url(bytes: Uint8Array): string {
  let binary = "";
  for (const byte of bytes) binary += String.fromCharCode(byte);
  return btoa(binary).replaceAll("+", "-").replaceAll("/", "_").replace(/=+$/, "");
}

function fromBase64Url(text: string): Uint8Array<ArrayBuffer> | undefined {
  if (!/^[A-Za-z0-9_-]{1,100}$/.test(text)) return undefined;
  try {
    const binary = atob(text.replaceAll("-", "+").replaceAll("_", "/") + "=".repeat((4 - (text.length % 4)) % 4));
    const bytes = Uint8Array.from(binary, (char) => char.charCodeAt(0));
    // Only the one canonical spelling: base64 ignores the last character's spare bits, and a link
    // whose signature text was altered must not verify just because the bytes came out the same.
    return toBase64Url(bytes) === text ? bytes : undefined;
  } catch {
    return undefined;
  }
}
