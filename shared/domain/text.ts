/**
 * Cuts a string to at most `max` UTF-16 units, marking the cut so readers know
 * text is missing. Never splits a surrogate pair: half an emoji is a lone
 * surrogate, which Postgres text and jsonb refuse.
 */
export function clip(text: string, max: number): string {
  if (text.length <= max) return text;
  return `${sliceWhole(text, Math.max(0, max - 1))}…`;
}

/** `text.slice(0, end)`, one unit shorter when `end` would fall inside a surrogate pair. */
export function sliceWhole(text: string, end: number): string {
  const last = text.charCodeAt(end - 1);
  return text.slice(0, last >= 0xd800 && last <= 0xdbff ? end - 1 : end);
}

/**
 * Makes a string storable in Postgres `text` and `jsonb`, which hold neither
 * NUL nor lone UTF-16 surrogates: NUL becomes the visible ␀ (U+2400) and a
 * lone surrogate the replacement character (U+FFFD).
 */
export function storableText(text: string): string {
  return text.replaceAll("\u0000", "\u2400").toWellFormed();
}

/** `storableText` over every string (and object key) of a JSON-like value. */
export function storableDeep<T>(value: T): T {
  if (typeof value === "string") return storableText(value) as T;
  if (Array.isArray(value)) return value.map(storableDeep) as T;
  if (value !== null && typeof value === "object") {
    return Object.fromEntries(Object.entries(value).map(([key, inner]) => [storableText(key), storableDeep(inner)])) as T;
  }
  return value;
}

/**
 * Keeps a source payload for humans while bounding its size: payloads whose JSON
 * exceeds `maxBytes` are replaced by a marker with the original size and a prefix.
 */
export function capPayload(payload: unknown, maxBytes: number): unknown {
  const json = JSON.stringify(payload) ?? "null";
  const size = new TextEncoder().encode(json).length;
  if (size <= maxBytes) return payload;
  return { truncated: true, original_bytes: size, prefix: storableText(sliceWhole(json, Math.floor(maxBytes / 2))) };
}

/** HTML text and attribute escaping (`"` too, for attribute values). */
export function escapeHtml(text: string): string {
  return text.replaceAll("&", "&amp;").replaceAll("<", "&lt;").replaceAll(">", "&gt;").replaceAll('"', "&quot;");
}
