import { firstFreeSlug, SLUG_PATTERN, slugBase } from './slug';

describe('slugBase', () => {
  it.each([
    ['Acme', 'acme'],
    ['Acme Corp.', 'acme-corp'],
    ['  --Hello,   World!--  ', 'hello-world'],
    ['Café Müller & Söhne', 'cafe-muller-sohne'],
    ['ACME_2024', 'acme-2024'],
    ['李明', 'org'],
    ['!!!', 'org'],
    ['a'.repeat(100), 'a'.repeat(42)],
    [`${'a'.repeat(41)} b`, 'a'.repeat(41)],
  ])('%s → %s', (name, expected) => {
    const base = slugBase(name);
    expect(base).toBe(expected);
    expect(base).toMatch(SLUG_PATTERN);
  });
});

describe('firstFreeSlug', () => {
  it('takes the base, then the first free numeric suffix', () => {
    expect(firstFreeSlug('acme', [])).toBe('acme');
    expect(firstFreeSlug('acme', ['acme'])).toBe('acme-2');
    expect(firstFreeSlug('acme', ['acme', 'acme-2', 'acme-4'])).toBe('acme-3');
    expect(firstFreeSlug('acme', ['acme-2'])).toBe('acme');
  });

  it('stays within the pattern with a suffix', () => {
    const base = slugBase('z'.repeat(200));
    const taken = [base, ...Array.from({ length: 9998 }, (_, i) => `${base}-${i + 2}`)];
    expect(firstFreeSlug(base, taken)).toMatch(SLUG_PATTERN);
  });
});

describe('SLUG_PATTERN', () => {
  it.each(['acme', 'a', 'acme-corp', 'a1-b2-c3', 'x'.repeat(50)])('accepts %s', (slug) => {
    expect(slug).toMatch(SLUG_PATTERN);
  });

  it.each(['', 'Acme', '-acme', 'acme-', 'ac--me', 'ac me', 'acmé', 'x'.repeat(51), 'a_b'])(
    'refuses %j',
    (slug) => {
      expect(slug).not.toMatch(SLUG_PATTERN);
    },
  );
});
