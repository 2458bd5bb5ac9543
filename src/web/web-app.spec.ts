import { isAppRoute } from './web-app';

describe('isAppRoute', () => {
  it.each(['/', '/sign-in', '/account/', '/organizations/1234', '/reset-password?token=a.b'])(
    'serves the pages at %s',
    (url) => expect(isAppRoute(url)).toBe(true),
  );

  it.each([
    '/api',
    '/api/v1/whatever',
    '/API/v1/whatever',
    '/docs/x',
    '/docs-json',
    '/media/avatars/a.webp',
    '/health/live',
    '/.well-known/jwks.json',
    '/favicon.ico',
    '/assets/gone.js',
  ])('leaves %s to the server (its own 404)', (url) => expect(isAppRoute(url)).toBe(false));
});
