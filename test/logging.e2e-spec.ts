import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startService } from './support/processes';

/** The built service at LOG_LEVEL=info: what its stdout shows, and what it never shows. */
describe('logs', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'gatehouse-logs-'));
  afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

  it('writes one JSON line per request, with the request id and without secrets', async () => {
    const service = await startService({
      DATA_DIR: dataDir,
      DATABASE_URL: 'memory://',
      LOG_LEVEL: 'info',
    });
    try {
      await fetch(`${service.url}/api/v1/users/me?token=query-secret-7`, {
        headers: { authorization: 'Bearer header-secret-8', 'x-request-id': 'log-check-1' },
      });
      await fetch(`${service.url}/api/v1/auth/login`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-request-id': 'log-check-2' },
        body: JSON.stringify({ identifier: 'nobody@example.com', password: 'body-secret-9' }),
      });
      await fetch(`${service.url}/health/live`, { headers: { 'x-request-id': 'log-check-3' } });
    } finally {
      expect(await service.stop()).toBe(0);
    }
    const output = service.output();
    const lines = output
      .split('\n')
      .filter((line) => line.startsWith('{'))
      .map((line) => JSON.parse(line) as Record<string, unknown>);

    expect(lines).toContainEqual(
      expect.objectContaining({ context: 'Bootstrap', msg: expect.stringMatching(/listening/) }),
    );
    expect(lines).toContainEqual(
      expect.objectContaining({
        msg: 'request completed',
        requestId: 'log-check-1',
        method: 'GET',
        path: '/api/v1/users/me',
        statusCode: 401,
        responseTimeMs: expect.any(Number),
      }),
    );
    expect(lines).toContainEqual(
      expect.objectContaining({ requestId: 'log-check-2', method: 'POST', statusCode: 401 }),
    );
    // Health probes would drown the rest.
    expect(lines.some((line) => line.requestId === 'log-check-3')).toBe(false);
    expect(output).not.toMatch(/query-secret-7|header-secret-8|body-secret-9/);
  }, 120_000);
});
