/**
 * The one log signature of every function and Node service: an event name and
 * its details, written as one JSON line with the service's name (never a
 * secret: callers pass ids, counts and reasons).
 */
export type Log = (event: string, details?: Record<string, unknown>) => void;

export function createLog(service: string, options: { timestamped?: boolean } = {}): Log {
  return (event, details = {}) => console.log(JSON.stringify({ service, ...(options.timestamped ? { at: new Date().toISOString() } : {}), event, ...details }));
}
