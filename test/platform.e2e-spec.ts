import SwaggerParser from '@apidevtools/swagger-parser';
import { AppModule } from '../src/app.module';
import { ProbeModule } from './support/probe.module';
import { startTestApp, TestApp } from './support/test-app';

describe('platform', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await startTestApp({
      env: { CORS_ORIGINS: 'https://app.example.com' },
      rootModule: (config) => {
        const root = AppModule.forRoot({ config, role: 'service' });
        return { ...root, imports: [...(root.imports ?? []), ProbeModule] };
      },
    });
  });
  afterAll(() => t.close());

  it('reports liveness and readiness', async () => {
    const live = await t.request('GET', '/health/live');
    expect(live.status).toBe(200);
    const ready = await t.request('GET', '/health/ready');
    expect(ready.status).toBe(200);
    expect(ready.body.details.database.status).toBe('up');
    if (t.config.redisUrl) expect(ready.body.details.redis.status).toBe('up');
  });

  it('serves a valid OpenAPI 3 document and the Swagger UI', async () => {
    const doc = await t.request('GET', '/docs-json');
    expect(doc.status).toBe(200);
    expect(doc.body.openapi).toMatch(/^3\./);
    await expect(SwaggerParser.validate(structuredClone(doc.body))).resolves.toBeDefined();
    const ui = await t.request('GET', '/docs');
    expect(ui.status).toBe(200);
    expect(ui.text).toContain('swagger');
  });

  it('answers unknown routes with problem+json 404', async () => {
    const res = await t.request('GET', '/api/v1/nothing-here');
    expect(res.status).toBe(404);
    expect(res.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    expect(res.body).toMatchObject({ status: 404, code: 'not_found', title: 'Not Found' });
    expect(typeof res.body.type).toBe('string');
  });

  it('refuses unknown fields, naming them', async () => {
    const res = await t.request('POST', '/probe/echo', {
      body: { name: 'a', count: 1, isSuperuser: true },
    });
    expect(res.status).toBe(400);
    expect(res.body.code).toBe('validation_failed');
    expect(res.body.errors).toEqual([
      { field: 'isSuperuser', message: 'isSuperuser is not an accepted field' },
    ]);
  });

  it.each([
    ['a missing field', { name: 'a' }, 'count'],
    ['a wrong type', { name: ['a'], count: 1 }, 'name'],
    ['a fractional number', { name: 'a', count: 1.5 }, 'count'],
    ['an overlong string', { name: 'x'.repeat(21), count: 1 }, 'name'],
  ])('lists field errors for %s', async (_case, body, field) => {
    const res = await t.request('POST', '/probe/echo', { body });
    expect(res.status).toBe(400);
    expect(res.body.code).toBe('validation_failed');
    expect(res.body.errors.map((e: { field: string }) => e.field)).toContain(field);
  });

  it('accepts a valid body', async () => {
    const res = await t.request('POST', '/probe/echo', { body: { name: 'a', count: 2 } });
    expect(res.status).toBe(201);
    expect(res.body).toEqual({ name: 'a', count: 2 });
  });

  it('answers 413 for JSON bodies over 100 KiB', async () => {
    const res = await t.request('POST', '/probe/echo', {
      raw: JSON.stringify({ name: 'x'.repeat(200 * 1024), count: 1 }),
    });
    expect(res.status).toBe(413);
    expect(res.body.code).toBe('payload_too_large');
  });

  it.each([
    ['malformed JSON', '{"name": '],
    ['a __proto__ key', '{"name":"a","count":1,"__proto__":{"isAdmin":true}}'],
    ['a constructor.prototype key', '{"name":"a","count":1,"constructor":{"prototype":{"x":1}}}'],
    ['a constructor key', '{"name":"a","count":1,"constructor":"x"}'],
    ['a prototype key', '{"name":"a","count":1,"prototype":1}'],
  ])('answers 400 problem+json for %s', async (_case, raw) => {
    const res = await t.request('POST', '/probe/echo', { raw });
    expect(res.status).toBe(400);
    expect(res.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    expect(res.body.code).toBe('validation_failed');
  });

  it('turns a unique violation into 409 conflict', async () => {
    const res = await t.request('POST', '/probe/duplicate');
    expect(res.status).toBe(409);
    expect(res.body.code).toBe('conflict');
  });

  it('hides internals of unexpected errors', async () => {
    const res = await t.request('GET', '/probe/crash');
    expect(res.status).toBe(500);
    expect(res.body.code).toBe('internal_error');
    expect(res.text).not.toMatch(/secret|SELECT|at /);
  });

  it('sends security headers and a request id', async () => {
    const res = await t.request('GET', '/health/live', { headers: { 'x-request-id': 'abc-123' } });
    expect(res.headers.get('x-content-type-options')).toBe('nosniff');
    expect(res.headers.get('content-security-policy')).toContain("default-src 'self'");
    expect(res.headers.get('x-request-id')).toBe('abc-123');
    const unsafe = await t.request('GET', '/health/live', {
      headers: { 'x-request-id': 'bad id <script>' },
    });
    expect(unsafe.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
  });

  it("sends helmet's default headers on every answer, errors included", async () => {
    for (const res of [
      await t.request('GET', '/api/v1/users/me'),
      await t.request('GET', '/api/v1/nothing-here'),
      await t.request('GET', '/health/live'),
      // Fastify serves verify and whoami without Nest's router: the global hooks must still run.
      await t.request('POST', '/api/v1/api-keys/verify', { body: { key: 'gk_unknown' } }),
      await t.request('POST', '/api/v1/api-keys/verify', { body: { key: 1 } }),
      await t.request('GET', '/api/v1/whoami'),
    ]) {
      expect(Object.fromEntries(res.headers)).toMatchObject({
        'content-security-policy': expect.stringContaining("frame-ancestors 'self'"),
        'cross-origin-opener-policy': 'same-origin',
        'cross-origin-resource-policy': 'same-origin',
        'origin-agent-cluster': '?1',
        'referrer-policy': 'no-referrer',
        'strict-transport-security': 'max-age=31536000; includeSubDomains',
        'x-content-type-options': 'nosniff',
        'x-dns-prefetch-control': 'off',
        'x-download-options': 'noopen',
        'x-frame-options': 'SAMEORIGIN',
        'x-permitted-cross-domain-policies': 'none',
        'x-xss-protection': '0',
      });
      expect(res.headers.get('x-powered-by')).toBeNull();
    }
  });

  it('allows CORS only for configured origins', async () => {
    const allowed = await t.request('GET', '/health/live', {
      headers: { origin: 'https://app.example.com' },
    });
    expect(allowed.headers.get('access-control-allow-origin')).toBe('https://app.example.com');
    const other = await t.request('GET', '/health/live', {
      headers: { origin: 'https://evil.example.com' },
    });
    expect(other.headers.get('access-control-allow-origin')).toBeNull();
  });

  it('answers CORS on the routes Fastify serves directly too (whoami from a front end)', async () => {
    const preflight = await t.request('OPTIONS', '/api/v1/whoami', {
      headers: {
        origin: 'https://app.example.com',
        'access-control-request-method': 'GET',
        'access-control-request-headers': 'authorization',
      },
    });
    expect(preflight.status).toBe(204);
    expect(preflight.headers.get('access-control-allow-origin')).toBe('https://app.example.com');
    const refused = await t.request('GET', '/api/v1/whoami', {
      headers: { origin: 'https://app.example.com' },
    });
    expect(refused.status).toBe(401);
    expect(refused.headers.get('access-control-allow-origin')).toBe('https://app.example.com');
  });
});
