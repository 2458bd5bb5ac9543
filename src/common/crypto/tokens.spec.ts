import { freshRandomBytes, randomToken } from './tokens';

describe('random tokens', () => {
  it('are 32 bytes of base64url, and never repeat across many batches', () => {
    const seen = new Set<string>();
    // 1,000 tokens span about eight 4 KiB batches (128 tokens each).
    for (let i = 0; i < 1000; i += 1) {
      const token = randomToken();
      expect(token).toMatch(/^[\w-]{43}$/);
      seen.add(token);
    }
    expect(seen.size).toBe(1000);
  });

  it('hands out each byte once, also when a request crosses a batch boundary', () => {
    const pieces = Array.from({ length: 300 }, (_, i) => freshRandomBytes(i % 2 === 0 ? 31 : 17));
    const kept = pieces.map((piece) => Buffer.from(piece));
    freshRandomBytes(4096 * 3); // larger than a batch: drawn on its own
    freshRandomBytes(64);
    // Bytes already handed out do not change when later ones are drawn.
    pieces.forEach((piece, i) => expect(piece.equals(kept[i])).toBe(true));
    expect(pieces.map((piece) => piece.length)).toEqual(
      Array.from({ length: 300 }, (_, i) => (i % 2 === 0 ? 31 : 17)),
    );
    // Any two pieces of 17+ random bytes are distinct: none is handed out twice.
    expect(new Set(pieces.map((piece) => piece.toString('hex'))).size).toBe(300);
  });
});
