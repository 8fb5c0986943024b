/**
 * Alert text is untrusted: anyone who can make a monitored system log a line can
 * put words into an alert. Before any of it can reach a prompt, instruction-like
 * patterns are replaced by a marker (seed 000 §6.2, made stronger). The original
 * stays in `raw_payload` for humans.
 */

export const REDACTED = "[REDACTED]";

const REDACTIONS: readonly RegExp[] = [
  // "ignore all previous instructions", "disregard the above rules", "forget your prompt" …
  /\b(?:ignore|disregard|forget|override|bypass|skip|drop)\b[^\n]{0,40}?\b(?:previous|prior|above|earlier|preceding|all|any|every|system|your|the|these|those)\b[^\n]{0,40}?\b(?:instructions?|prompts?|rules?|directives?|guidelines?|guardrails?|context|messages?)\b/gi,
  /\b(?:you\s+are\s+now|from\s+now\s+on\s+you|act\s+as\s+(?:an?\s+)?(?:admin|root|system|developer|different)|pretend\s+(?:to\s+be|you\s+are)|jailbreak|do\s+anything\s+now)\b|\bnew\s+instructions?\s*:/gi,
  // Role markers at the start of a line: "system:", "assistant:", "### Instruction".
  /^[ \t>*_-]*(?:system|assistant|user|human|developer|tool)\s*:/gim,
  /^[ \t]*#{1,6}[ \t]*(?:system|instructions?|assistant|user|response)\b.*$/gim,
  // Chat-template tokens and tags of common model families.
  /<\|[^|<>]{0,40}\|>/g,
  /\[\/?(?:INST|SYS|SYSTEM)\]/gi,
  /<<\/?SYS>>/gi,
  /<\/?(?:system|assistant|user|instructions?|untrusted[\w-]*|alert[\w-]*data)\b[^>]{0,40}>/gi,
];

// Control characters (except tab and newline), bidi overrides and zero-width characters hide text from humans.
// biome-ignore lint/suspicious/noControlCharactersInRegex: matching control characters is the point here.
const INVISIBLE = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F-\u009F\u200B-\u200F\u202A-\u202E\u2060-\u2064\u2066-\u2069\uFEFF]/g;
// Code fences would let text break out of the block the prompt puts it in.
const FENCES = /`{3,}|~{3,}/g;

export interface Scrubbed {
  readonly text: string;
  /** True when something instruction-like was redacted (not for invisible characters alone). */
  readonly redacted: boolean;
}

export function scrubText(input: string): Scrubbed {
  let text = input.replace(INVISIBLE, "").replace(/\r\n?/g, "\n").replace(FENCES, "'''");
  let redacted = false;
  for (const pattern of REDACTIONS) {
    text = text.replace(pattern, () => {
      redacted = true;
      return REDACTED;
    });
  }
  return { text, redacted };
}
