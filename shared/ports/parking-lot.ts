import type { AnalyzeQueueMessage } from "../contracts/queue.ts";

/**
 * Durable holding area for queue messages that could not be sent while the
 * sender (Grafana, Sentry) will not retry. A cron drains it into the queue.
 */
export interface ParkingLot {
  park(messages: readonly AnalyzeQueueMessage[]): Promise<void>;
  /** Removes and returns up to `limit` of the oldest parked messages. */
  take(limit: number): Promise<unknown[]>;
  /** Puts messages back (after a failed re-enqueue), ahead of newer ones. */
  putBack(messages: readonly unknown[]): Promise<void>;
  size(): Promise<number>;
}
