/** Deliveries of an analyze message before the queue gives up: the first plus `max_retries` (wrangler.toml). */
export const ANALYZE_MAX_DELIVERIES = 6;
