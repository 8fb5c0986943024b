/**
 * Remembers which (notification, channel, recipient) deliveries already happened,
 * so a redelivered queue message sends nothing twice.
 */
export interface NotificationLedger {
  /** True when this key was not claimed before (the caller should deliver now). */
  claim(key: string, ttlSeconds: number): Promise<boolean>;
  /** Gives a claim back after a failed delivery so a retry can deliver. */
  unclaim(key: string): Promise<void>;
}
