import { randomUUID, sign, verify } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { AppConfig } from '../../config/app-config';
import { AccessTokenClaims } from '../../common/auth/principal';
import { SessionRevocations } from './session-revocations.service';
import { SIGNING_ALGORITHM, SigningKeysService } from './signing-keys.service';

export const ACCESS_TOKEN_TYPE = 'at+jwt';
const MAX_TOKEN_LENGTH = 4096;
const CLOCK_SKEW_SECONDS = 30;
const CACHE_LIMIT = 50_000;
// Three base64url segments, nothing else: base64url decoding would skip stray characters.
const COMPACT_JWS = /^[\w-]+\.[\w-]+\.[\w-]+$/;
// Header parameters that point at keys elsewhere: never fetched, and a token using them is refused.
const FORBIDDEN_HEADER_PARAMETERS = ['jku', 'x5u', 'jwk', 'x5c', 'x5t', 'crit'];

export class InvalidAccessTokenError extends Error {}
export class UnknownSigningKeyError extends InvalidAccessTokenError {}

function encodeSegment(value: object): string {
  return Buffer.from(JSON.stringify(value)).toString('base64url');
}

function decodeSegment(segment: string): unknown {
  return JSON.parse(Buffer.from(segment, 'base64url').toString('utf8'));
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * Issues and checks access tokens (RFC 9068 JWTs, ES256). Verification is cached per token
 * until its `exp`, so a repeat caller costs a map lookup and the revocation check: no
 * signature work and no database query.
 */
@Injectable()
export class AccessTokensService {
  private readonly verified = new Map<string, AccessTokenClaims>();

  constructor(
    private readonly keys: SigningKeysService,
    private readonly revocations: SessionRevocations,
    private readonly config: AppConfig,
  ) {}

  get ttlSeconds(): number {
    return this.config.auth.accessTokenTtlSeconds;
  }

  issue(userId: string, sessionId: string): string {
    const { kid, privateKey } = this.keys.signingKey();
    const now = Math.floor(Date.now() / 1000);
    const header = { alg: SIGNING_ALGORITHM, typ: ACCESS_TOKEN_TYPE, kid };
    const claims: AccessTokenClaims = {
      iss: this.config.auth.issuer,
      aud: this.config.auth.audience,
      sub: userId,
      sid: sessionId,
      jti: randomUUID(),
      iat: now,
      exp: now + this.ttlSeconds,
    };
    const signingInput = `${encodeSegment(header)}.${encodeSegment(claims)}`;
    const signature = sign('sha256', Buffer.from(signingInput), {
      key: privateKey,
      dsaEncoding: 'ieee-p1363',
    });
    return `${signingInput}.${signature.toString('base64url')}`;
  }

  /** The claims of a valid, unexpired token of a live session; throws otherwise. */
  verify(token: string): AccessTokenClaims {
    const nowSeconds = Date.now() / 1000;
    let claims = this.verified.get(token);
    if (!claims) {
      claims = this.verifySignatureAndClaims(token, nowSeconds);
      this.remember(token, claims);
    }
    if (claims.exp <= nowSeconds) {
      this.verified.delete(token);
      throw new InvalidAccessTokenError('expired');
    }
    if (this.revocations.isRevoked(claims.sid)) {
      this.verified.delete(token);
      throw new InvalidAccessTokenError('session revoked');
    }
    return claims;
  }

  /**
   * As `verify`, but a token signed by a key this instance has not loaded yet gets one reload;
   * only then is the answer a promise (the common case stays synchronous for the guard).
   */
  verifyFresh(token: string): AccessTokenClaims | Promise<AccessTokenClaims> {
    try {
      return this.verify(token);
    } catch (error) {
      if (!(error instanceof UnknownSigningKeyError)) throw error;
      return this.keys.reloadForUnknownKid().then((reloaded) => {
        if (!reloaded) throw error;
        return this.verify(token);
      });
    }
  }

  private remember(token: string, claims: AccessTokenClaims): void {
    if (this.verified.size >= CACHE_LIMIT) {
      // Bounded: drop the oldest entry (Map keeps insertion order).
      const oldest = this.verified.keys().next().value;
      if (oldest !== undefined) this.verified.delete(oldest);
    }
    this.verified.set(token, claims);
  }

  private verifySignatureAndClaims(token: string, nowSeconds: number): AccessTokenClaims {
    if (token.length > MAX_TOKEN_LENGTH) throw new InvalidAccessTokenError('too long');
    if (!COMPACT_JWS.test(token)) throw new InvalidAccessTokenError('malformed');
    const [headerSegment, payloadSegment, signatureSegment] = token.split('.');

    let header: unknown;
    let payload: unknown;
    try {
      header = decodeSegment(headerSegment);
      payload = decodeSegment(payloadSegment);
    } catch {
      throw new InvalidAccessTokenError('malformed');
    }
    if (!isRecord(header) || !isRecord(payload)) throw new InvalidAccessTokenError('malformed');
    // Exactly our algorithm and type: no `none`, no HMAC with a public key, no ID tokens.
    if (header.alg !== SIGNING_ALGORITHM || header.typ !== ACCESS_TOKEN_TYPE) {
      throw new InvalidAccessTokenError('unexpected header');
    }
    if (FORBIDDEN_HEADER_PARAMETERS.some((name) => name in header)) {
      throw new InvalidAccessTokenError('unexpected header');
    }
    const key = typeof header.kid === 'string' ? this.keys.verificationKey(header.kid) : undefined;
    if (!key) throw new UnknownSigningKeyError('unknown key');

    const valid = verify(
      'sha256',
      Buffer.from(`${headerSegment}.${payloadSegment}`),
      { key, dsaEncoding: 'ieee-p1363' },
      Buffer.from(signatureSegment, 'base64url'),
    );
    if (!valid) throw new InvalidAccessTokenError('bad signature');

    const { iss, aud, sub, sid, jti, iat, exp, nbf } = payload;
    if (typeof iss !== 'string' || iss !== this.config.auth.issuer) {
      throw new InvalidAccessTokenError('issuer');
    }
    const audiences = Array.isArray(aud) ? aud : [aud];
    if (!audiences.includes(this.config.auth.audience))
      throw new InvalidAccessTokenError('audience');
    if (
      typeof sub !== 'string' ||
      typeof sid !== 'string' ||
      typeof jti !== 'string' ||
      typeof iat !== 'number' ||
      typeof exp !== 'number'
    ) {
      throw new InvalidAccessTokenError('claims');
    }
    if (exp <= nowSeconds) throw new InvalidAccessTokenError('expired');
    if (iat > nowSeconds + CLOCK_SKEW_SECONDS) throw new InvalidAccessTokenError('not yet valid');
    if (typeof nbf === 'number' && nbf > nowSeconds + CLOCK_SKEW_SECONDS) {
      throw new InvalidAccessTokenError('not yet valid');
    }
    return { iss, aud: this.config.auth.audience, sub, sid, jti, iat, exp };
  }
}
