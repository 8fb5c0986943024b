import type { AnalyzeQueueMessage } from "../contracts/queue.ts";

/** A parked message as claimed: its stored text (the handle to settle it by) and the parsed body, if it parses. */
export interface ParkedEntry {
  readonly raw: string;
  readonly body: unknown;
}

/**
 * Durable holding area for queue messages that could not be sent while the
 * sender (Grafana, Sentry) will not retry. A cron drains it into the queue.
 *
 * Draining is claim-based so that a crash never loses a message: `claim` moves
 * entries to a claimed list (nothing is removed before its enqueue succeeded),
 * `settle` removes them once sent, `release` puts them back. Entries a crashed
 * drainer left claimed go back to the lot when its lease has expired.
 */
export interface ParkingLot {
  park(messages: readonly AnalyzeQueueMessage[]): Promise<void>;
  /** Claims up to `limit` of the oldest entries; none while another drainer holds the lease. */
  claim(limit: number): Promise<ParkedEntry[]>;
  /** Removes claimed entries for good (sent, or dead-lettered). */
  settle(entries: readonly ParkedEntry[]): Promise<void>;
  /** Returns claimed entries to the lot, ahead of newer ones. */
  release(entries: readonly ParkedEntry[]): Promise<void>;
  /** Counts one more failed drain of an entry; answers how many there have been. */
  recordFailure(entry: ParkedEntry): Promise<number>;
  /** Ends this drainer's lease (claimed entries left behind are recovered by the next drainer). */
  endDrain(): Promise<void>;
  size(): Promise<number>;
}
