import { EventEmitter } from 'node:events';
import { SharedState } from './shared-state';

interface Entry {
  value: string;
  expiresAt: number | null;
}

/** Single-instance implementation; correct only when one process serves the API. */
export class MemorySharedState extends SharedState {
  private readonly entries = new Map<string, Entry>();
  private readonly bus = new EventEmitter();
  private readonly sweeper = setInterval(() => this.sweep(), 60_000).unref();

  private live(key: string): Entry | undefined {
    const entry = this.entries.get(key);
    if (entry && entry.expiresAt !== null && entry.expiresAt <= Date.now()) {
      this.entries.delete(key);
      return undefined;
    }
    return entry;
  }

  private sweep(): void {
    const now = Date.now();
    for (const [key, entry] of this.entries) {
      if (entry.expiresAt !== null && entry.expiresAt <= now) this.entries.delete(key);
    }
  }

  increment(key: string, ttlMs: number, by = 1): Promise<{ count: number; ttlMs: number }> {
    const entry = this.live(key) ?? { value: '0', expiresAt: Date.now() + ttlMs };
    entry.value = String(Number(entry.value) + by);
    this.entries.set(key, entry);
    return Promise.resolve({
      count: Number(entry.value),
      ttlMs: Math.max(0, (entry.expiresAt ?? Date.now()) - Date.now()),
    });
  }

  get(key: string): Promise<string | null> {
    return Promise.resolve(this.live(key)?.value ?? null);
  }

  set(key: string, value: string, ttlMs?: number): Promise<void> {
    this.entries.set(key, { value, expiresAt: ttlMs ? Date.now() + ttlMs : null });
    return Promise.resolve();
  }

  setIfAbsent(key: string, value: string, ttlMs: number): Promise<boolean> {
    if (this.live(key)) return Promise.resolve(false);
    this.entries.set(key, { value, expiresAt: Date.now() + ttlMs });
    return Promise.resolve(true);
  }

  delete(key: string): Promise<void> {
    this.entries.delete(key);
    return Promise.resolve();
  }

  ttl(key: string): Promise<number | null> {
    const entry = this.live(key);
    if (!entry) return Promise.resolve(null);
    return Promise.resolve(entry.expiresAt === null ? -1 : entry.expiresAt - Date.now());
  }

  publish(channel: string, message: string): Promise<void> {
    setImmediate(() => this.bus.emit(channel, message));
    return Promise.resolve();
  }

  subscribe(channel: string, handler: (message: string) => void): Promise<void> {
    this.bus.on(channel, handler);
    return Promise.resolve();
  }

  ping(): Promise<void> {
    return Promise.resolve();
  }

  close(): Promise<void> {
    clearInterval(this.sweeper);
    this.bus.removeAllListeners();
    return Promise.resolve();
  }
}
