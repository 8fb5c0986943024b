/**
 * Remembers which (notification, channel, recipient) deliveries already
 * happened, so a redelivered queue message sends nothing twice — and which are
 * in flight right now, so two concurrent deliveries of one message do not
 * both send. An in-flight mark expires, so a crash mid-send is retried.
 */
export interface NotificationLedger {
  /** "go": this caller sends now; "done": already delivered (or given up); "busy": another delivery is sending it. */
  begin(key: string, inFlightSeconds: number): Promise<"go" | "done" | "busy">;
  /** The delivery happened (or failed for good): remember it for `ttlSeconds`. */
  complete(key: string, ttlSeconds: number): Promise<void>;
  /** The delivery failed and should be retried: forget the in-flight mark. */
  abandon(key: string): Promise<void>;
}
