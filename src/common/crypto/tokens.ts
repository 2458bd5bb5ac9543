import { createHash, randomBytes } from 'node:crypto';

/** An opaque random token: 32 bytes (256 bits), base64url. */
export function randomToken(bytes = 32): string {
  return randomBytes(bytes).toString('base64url');
}

/** SHA-256 of a high-entropy token: what the database keeps instead of the token. */
export function tokenDigest(token: string): Buffer {
  return createHash('sha256').update(token).digest();
}
