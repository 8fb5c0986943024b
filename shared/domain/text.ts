/** Cuts a string to at most `max` characters, marking the cut so readers know text is missing. */
export function clip(text: string, max: number): string {
  if (text.length <= max) return text;
  return `${text.slice(0, Math.max(0, max - 1))}…`;
}

/**
 * Keeps a source payload for humans while bounding its size: payloads whose JSON
 * exceeds `maxBytes` are replaced by a marker with the original size and a prefix.
 */
export function capPayload(payload: unknown, maxBytes: number): unknown {
  const json = JSON.stringify(payload) ?? "null";
  const size = new TextEncoder().encode(json).length;
  if (size <= maxBytes) return payload;
  return { truncated: true, original_bytes: size, prefix: json.slice(0, Math.floor(maxBytes / 2)) };
}
