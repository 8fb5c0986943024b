import type { Decision } from "../contracts/approval.ts";

/**
 * A decision button's payload (Telegram `callback_data`, at most 64 bytes):
 * `d1:<approval id>:<a|r>:<first 16 hex of the action digest, or ->`. It names
 * what is decided, never who decides: the platform tells who pressed.
 */
export interface ChatDecision {
  readonly approvalId: string;
  readonly decision: Decision;
  /** The digest prefix the message showed; null for an untyped action. */
  readonly digestPrefix: string | null;
}

const PATTERN = /^d1:([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}):([ar]):([0-9a-f]{16}|-)$/;

export function encodeChatDecision(approvalId: string, decision: Decision, digest: string | null): string {
  return `d1:${approvalId}:${decision === "approve" ? "a" : "r"}:${digest ? digest.slice(0, 16) : "-"}`;
}

/** Client-supplied: anything that is not exactly a decision payload is undefined. */
export function parseChatDecision(data: string): ChatDecision | undefined {
  const match = PATTERN.exec(data);
  if (!match) return undefined;
  return { approvalId: match[1]!, decision: match[2] === "a" ? "approve" : "reject", digestPrefix: match[3] === "-" ? null : match[3]! };
}

/** Whether the digest a button showed is the approval's (prefix match; both absent for untyped actions). */
export function digestMatches(shown: string | null, actual: string | null): boolean {
  return shown === null ? actual === null : (actual?.startsWith(shown) ?? false);
}

/**
 * An Acknowledge button's payload: `k1:<incident id>` (39 bytes). Like a
 * decision, it names the incident, never who acknowledges.
 */
const ACK_PATTERN = /^k1:([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})$/;

export function encodeChatAck(incidentId: string): string {
  return `k1:${incidentId}`;
}

/** Client-supplied: the incident id of an exact acknowledge payload, or undefined. */
export function parseChatAck(data: string): string | undefined {
  return ACK_PATTERN.exec(data)?.[1];
}
