import { createPrivateKey, createPublicKey, generateKeyPairSync, KeyObject } from 'node:crypto';
import { Inject, Injectable, Logger, OnApplicationShutdown, OnModuleInit } from '@nestjs/common';
import { AppConfig } from '../../config/app-config';
import { SecretBox } from '../../common/crypto/secret-box';
import { randomToken } from '../../common/crypto/tokens';
import { SharedState } from '../../common/shared-state/shared-state';
import { DATABASE_ROLE, DatabaseRole } from '../../database/database.module';
import { SigningKeysRepository } from './signing-keys.repository';

export const SIGNING_ALGORITHM = 'ES256';
const KEYS_CHANGED_CHANNEL = 'signing-keys:changed';
const RELOAD_INTERVAL_MS = 60_000;
const UNKNOWN_KID_RELOAD_MIN_INTERVAL_MS = 1_000;

export interface PublicJwk {
  kty: string;
  crv: string;
  x: string;
  y: string;
  kid: string;
  alg: string;
  use: string;
}

interface LoadedKey {
  kid: string;
  publicKey: KeyObject;
  privateKey: KeyObject;
  jwk: PublicJwk;
  retired: boolean;
}

/**
 * The service's own ES256 signing keys: generated here, private halves encrypted with
 * APP_SECRET in the database, held in memory as KeyObjects (no parsing per request).
 * A retired key stays published until every token it signed has expired.
 */
@Injectable()
export class SigningKeysService implements OnModuleInit, OnApplicationShutdown {
  private readonly logger = new Logger(SigningKeysService.name);
  private readonly box: SecretBox;
  private keys = new Map<string, LoadedKey>();
  private active: LoadedKey | null = null;
  private lastUnknownKidReload = 0;
  private reloadTimer?: NodeJS.Timeout;

  constructor(
    private readonly repository: SigningKeysRepository,
    private readonly config: AppConfig,
    @Inject(SharedState) private readonly sharedState: SharedState,
    @Inject(DATABASE_ROLE) private readonly role: DatabaseRole,
  ) {
    this.box = new SecretBox(config.appSecret, 'signing-keys');
  }

  async onModuleInit(): Promise<void> {
    // A management command may run before the schema exists (`migrate`); it loads on demand.
    if (this.role === 'command') return;
    await this.reload();
    if (!this.active) {
      await this.repository.insertIfNoneActive(this.generate());
      await this.reload();
    }
    await this.sharedState.subscribe(KEYS_CHANGED_CHANNEL, () => void this.reloadQuietly());
    this.reloadTimer = setInterval(() => void this.reloadQuietly(), RELOAD_INTERVAL_MS).unref();
  }

  onApplicationShutdown(): void {
    clearInterval(this.reloadTimer);
  }

  /** The key new tokens are signed with. */
  signingKey(): { kid: string; privateKey: KeyObject } {
    if (!this.active) throw new Error('No active signing key');
    return { kid: this.active.kid, privateKey: this.active.privateKey };
  }

  /** The public key for a `kid`, or undefined. */
  verificationKey(kid: string): KeyObject | undefined {
    return this.keys.get(kid)?.publicKey;
  }

  /**
   * Another instance may have rotated: an unknown kid reloads the keys, at most once per
   * interval whatever the traffic, so forged kids cannot turn into a query per request.
   * True when a reload happened.
   */
  async reloadForUnknownKid(): Promise<boolean> {
    if (Date.now() - this.lastUnknownKidReload < UNKNOWN_KID_RELOAD_MIN_INTERVAL_MS) return false;
    this.lastUnknownKidReload = Date.now();
    await this.reloadQuietly();
    return true;
  }

  jwks(): { keys: PublicJwk[] } {
    return { keys: [...this.keys.values()].map((key) => key.jwk) };
  }

  /** Adds a new active key; the old ones keep verifying until their tokens expire. */
  async rotate(): Promise<string> {
    const key = this.generate();
    await this.repository.replaceActive(key);
    await this.reload();
    await this.sharedState.publish(KEYS_CHANGED_CHANNEL, key.id);
    return key.id;
  }

  private generate() {
    const { publicKey, privateKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    const kid = randomToken(16);
    const jwk = publicKey.export({ format: 'jwk' });
    return {
      id: kid,
      algorithm: SIGNING_ALGORITHM,
      publicJwk: { kty: jwk.kty!, crv: jwk.crv!, x: jwk.x!, y: jwk.y! },
      privateKeyEncrypted: this.box.seal(
        privateKey.export({ format: 'pem', type: 'pkcs8' }).toString(),
      ),
    };
  }

  private async reload(): Promise<void> {
    // Retired keys stay published for an access-token lifetime plus a minute of clock skew.
    const publishForMs = (this.config.auth.accessTokenTtlSeconds + 60) * 1000;
    const rows = await this.repository.findPublished(publishForMs);
    const keys = new Map<string, LoadedKey>();
    for (const row of rows) {
      const privateKey = createPrivateKey(this.box.open(row.privateKeyEncrypted));
      keys.set(row.id, {
        kid: row.id,
        privateKey,
        publicKey: createPublicKey(privateKey),
        jwk: { ...row.publicJwk, kid: row.id, alg: SIGNING_ALGORITHM, use: 'sig' } as PublicJwk,
        retired: row.retiredAt !== null,
      });
    }
    this.keys = keys;
    // Rows come newest first: the newest unretired key signs.
    this.active = [...keys.values()].find((key) => !key.retired) ?? null;
  }

  private async reloadQuietly(): Promise<void> {
    try {
      await this.reload();
    } catch (error) {
      this.logger.warn(`Could not reload signing keys: ${(error as Error).message}`);
    }
  }
}
