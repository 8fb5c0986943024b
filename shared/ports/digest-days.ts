/** Which days' digests went out: a claim per UTC day, so the cron sends each once. */
export interface DigestDays {
  /** True when this caller claimed `day` (YYYY-MM-DD); false when it was already claimed. */
  claim(day: string): Promise<boolean>;
  /** Gives a claim back (the hand-off failed), so the next tick tries again. */
  release(day: string): Promise<void>;
}
