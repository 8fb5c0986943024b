/**
 * Verifies a lowercase-hex HMAC-SHA-256 signature over exact bytes (Sentry's
 * `Sentry-Hook-Signature`, Grafana's `X-Grafana-Alerting-Signature`).
 * WebCrypto's verify compares in constant time.
 */
export async function verifyHexHmacSha256(secret: string, message: Uint8Array<ArrayBuffer>, signatureHex: string): Promise<boolean> {
  const signature = hexToBytes(signatureHex.trim());
  if (signature?.length !== 32) return false;
  const key = await crypto.subtle.importKey("raw", new TextEncoder().encode(secret), { name: "HMAC", hash: "SHA-256" }, false, ["verify"]);
  return crypto.subtle.verify("HMAC", key, signature, message);
}

export async function hexHmacSha256(secret: string, message: Uint8Array<ArrayBuffer>): Promise<string> {
  const key = await crypto.subtle.importKey("raw", new TextEncoder().encode(secret), { name: "HMAC", hash: "SHA-256" }, false, ["sign"]);
  const mac = new Uint8Array(await crypto.subtle.sign("HMAC", key, message));
  return Array.from(mac, (b) => b.toString(16).padStart(2, "0")).join("");
}

function hexToBytes(hex: string): Uint8Array<ArrayBuffer> | undefined {
  if (!/^[0-9a-fA-F]*$/.test(hex) || hex.length % 2 !== 0) return undefined;
  const bytes = new Uint8Array(hex.length / 2);
  for (let i = 0; i < bytes.length; i++) bytes[i] = Number.parseInt(hex.slice(i * 2, i * 2 + 2), 16);
  return bytes;
}

/** Headers of a signed service-to-service request (analyze ↔ relay): HMAC over `timestamp.body`. */
export const SIGNATURE_HEADER = "X-Awoooi-Signature";
export const TIMESTAMP_HEADER = "X-Awoooi-Timestamp";

export async function signedHeaders(secret: string, body: string, nowSeconds: number): Promise<Record<string, string>> {
  const timestamp = String(nowSeconds);
  return {
    [TIMESTAMP_HEADER]: timestamp,
    [SIGNATURE_HEADER]: await hexHmacSha256(secret, new Uint8Array(new TextEncoder().encode(`${timestamp}.${body}`))),
  };
}

/** Verifies a request signed by `signedHeaders`, refusing timestamps further than `maxAgeSeconds` from now. */
export async function verifySignedRequest(
  secret: string,
  body: string,
  headers: { timestamp: string | undefined; signature: string | undefined },
  nowSeconds: number,
  maxAgeSeconds = 300,
): Promise<boolean> {
  if (!headers.timestamp || !headers.signature || !/^\d{1,12}$/.test(headers.timestamp)) return false;
  if (Math.abs(nowSeconds - Number(headers.timestamp)) > maxAgeSeconds) return false;
  return verifyHexHmacSha256(secret, new Uint8Array(new TextEncoder().encode(`${headers.timestamp}.${body}`)), headers.signature);
}
