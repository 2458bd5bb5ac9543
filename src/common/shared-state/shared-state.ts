/**
 * What several instances of Gatehouse must agree on: counters (rate limits, lockouts),
 * short-lived values, and notices (revocations). In process by default, Redis with REDIS_URL.
 */
export abstract class SharedState {
  /** Adds `by` to a counter that lives `ttlMs` from its first increment; atomic. */
  abstract increment(
    key: string,
    ttlMs: number,
    by?: number,
  ): Promise<{ count: number; ttlMs: number }>;
  abstract get(key: string): Promise<string | null>;
  /** Stores a value; with `ttlMs` it disappears after that long. */
  abstract set(key: string, value: string, ttlMs?: number): Promise<void>;
  /** Stores only when absent; true when this call stored it (one winner). */
  abstract setIfAbsent(key: string, value: string, ttlMs: number): Promise<boolean>;
  abstract delete(key: string): Promise<void>;
  /** Remaining lifetime in ms, or null when the key does not exist. */
  abstract ttl(key: string): Promise<number | null>;
  abstract publish(channel: string, message: string): Promise<void>;
  /** Handlers run for messages published by any instance, this one included. */
  abstract subscribe(channel: string, handler: (message: string) => void): Promise<void>;
  abstract ping(): Promise<void>;
  abstract close(): Promise<void>;
}
