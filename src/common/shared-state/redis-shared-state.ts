import Redis from 'ioredis';
import { SharedState } from './shared-state';

// INCRBY, and set the lifetime only on the increment that created the key.
const INCREMENT_SCRIPT = `
local count = redis.call('INCRBY', KEYS[1], ARGV[2])
if count == tonumber(ARGV[2]) then redis.call('PEXPIRE', KEYS[1], ARGV[1]) end
return {count, redis.call('PTTL', KEYS[1])}
`;

/** Shared by every instance pointed at the same Redis (and key prefix). */
export class RedisSharedState extends SharedState {
  private readonly client: Redis;
  private readonly subscriber: Redis;
  private readonly handlers = new Map<string, Array<(message: string) => void>>();

  constructor(
    url: string,
    private readonly prefix: string,
  ) {
    super();
    const options = { maxRetriesPerRequest: 2, enableOfflineQueue: true, lazyConnect: false };
    this.client = new Redis(url, options);
    this.subscriber = new Redis(url, options);
    this.subscriber.on('message', (channel: string, message: string) => {
      for (const handler of this.handlers.get(channel) ?? []) handler(message);
    });
    // Connection errors surface through commands and the readiness check.
    this.client.on('error', () => undefined);
    this.subscriber.on('error', () => undefined);
  }

  private key(key: string): string {
    return this.prefix + key;
  }

  async increment(key: string, ttlMs: number, by = 1): Promise<{ count: number; ttlMs: number }> {
    const [count, ttl] = (await this.client.eval(
      INCREMENT_SCRIPT,
      1,
      this.key(key),
      String(ttlMs),
      String(by),
    )) as [number, number];
    return { count, ttlMs: Math.max(0, ttl) };
  }

  get(key: string): Promise<string | null> {
    return this.client.get(this.key(key));
  }

  async set(key: string, value: string, ttlMs?: number): Promise<void> {
    if (ttlMs) await this.client.set(this.key(key), value, 'PX', ttlMs);
    else await this.client.set(this.key(key), value);
  }

  async setIfAbsent(key: string, value: string, ttlMs: number): Promise<boolean> {
    return (await this.client.set(this.key(key), value, 'PX', ttlMs, 'NX')) === 'OK';
  }

  async delete(key: string): Promise<void> {
    await this.client.del(this.key(key));
  }

  async ttl(key: string): Promise<number | null> {
    const ttl = await this.client.pttl(this.key(key));
    return ttl === -2 ? null : ttl;
  }

  async publish(channel: string, message: string): Promise<void> {
    await this.client.publish(this.key(channel), message);
  }

  async subscribe(channel: string, handler: (message: string) => void): Promise<void> {
    const name = this.key(channel);
    const existing = this.handlers.get(name);
    if (existing) {
      existing.push(handler);
      return;
    }
    this.handlers.set(name, [handler]);
    await this.subscriber.subscribe(name);
  }

  async ping(): Promise<void> {
    await this.client.ping();
  }

  async close(): Promise<void> {
    this.subscriber.disconnect();
    await this.client.quit().catch(() => this.client.disconnect());
  }
}
