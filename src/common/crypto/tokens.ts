import { hash, randomBytes } from 'node:crypto';

/** An opaque random token: 32 bytes (256 bits), base64url. */
export function randomToken(bytes = 32): string {
  return randomBytes(bytes).toString('base64url');
}

/** SHA-256 of a high-entropy token: what the database keeps instead of the token. */
export function tokenDigest(token: string): Buffer {
  return hash('sha256', token, 'buffer');
}

/** The same digest as hex, for in-memory lookups keyed by it. */
export function tokenDigestHex(token: string): string {
  return hash('sha256', token, 'hex');
}
