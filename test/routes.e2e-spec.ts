import { RouteInventory } from '../src/common/routes/route-inventory';
import { startTestApp, TestApp } from './support/test-app';

describe('route inventory', () => {
  let t: TestApp;
  beforeAll(async () => (t = await startTestApp()));
  afterAll(() => t.close());

  const routes = () => t.app.get(RouteInventory).list();

  it('finds the application routes', () => {
    const found = routes().map((route) => `${route.method} ${route.path}`);
    expect(found).toEqual(
      expect.arrayContaining([
        'POST /api/v1/auth/login',
        'GET /api/v1/users/me',
        // Served by Fastify directly (the hottest routes), declared to the inventory.
        'GET /api/v1/whoami',
        'POST /api/v1/api-keys/verify',
        'GET /.well-known/jwks.json',
        'GET /health/ready',
      ]),
    );
  });

  it('has no route without an explicit @Auth or @Public (deny by default)', () => {
    const undeclared = routes().filter((route) => route.access === null);
    expect(undeclared).toEqual([]);
  });

  it('answers 401 without a token on every @Auth route', async () => {
    for (const route of routes().filter((r) => r.access !== 'public')) {
      const path = route.path.replace(/:[A-Za-z]+/g, '00000000-0000-4000-8000-000000000000');
      const res = await t.request(route.method, path, route.method === 'GET' ? {} : { body: {} });
      expect({ route: `${route.method} ${route.path}`, status: res.status }).toEqual({
        route: `${route.method} ${route.path}`,
        status: 401,
      });
    }
  });
});
