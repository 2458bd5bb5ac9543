import { existsSync, readdirSync } from 'node:fs';
import { request as httpGet } from 'node:http';
import { join } from 'node:path';
import sharp from 'sharp';
import { UsersService } from '../src/users/users.service';
import { createUser, login } from './support/factories';
import { ImageFormat, pngDeclaring, solidImage } from './support/images';
import { startTestApp, TestApp, TestResponse } from './support/test-app';

const DEFAULTS = {
  timezone: 'UTC',
  locale: 'en',
  notifications: { email: { security: true, product: true, marketing: false } },
  preferences: {},
  avatarUrl: null,
};

interface UploadOptions {
  filename?: string;
  type?: string;
  field?: string;
}

describe('profiles and avatars (local storage)', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await startTestApp({
      env: { EMAIL_VERIFICATION: 'optional', RATE_LIMIT_ENABLED: 'false' },
    });
  });
  afterAll(() => t.close());

  async function signedIn(): Promise<{ userId: string; token: string }> {
    const { user, password } = await createUser(t);
    const tokens = await login(t, user.email, password);
    return { userId: user.id, token: tokens.accessToken };
  }

  async function profileRow(userId: string) {
    const [row] = await t.dataSource.query('SELECT * FROM profiles WHERE user_id = $1', [userId]);
    return row;
  }

  async function upload(
    token: string,
    content: Buffer | string,
    { filename = 'avatar.png', type = 'image/png', field = 'file' }: UploadOptions = {},
  ): Promise<TestResponse> {
    const form = new FormData();
    form.append(field, new Blob([content], { type }), filename);
    const response = await fetch(`${t.url}/api/v1/profile/avatar`, {
      method: 'PUT',
      body: form,
      headers: { authorization: `Bearer ${token}` },
    });
    const text = await response.text();
    const isJson = /json/.test(response.headers.get('content-type') ?? '');
    return {
      status: response.status,
      headers: response.headers,
      body: isJson ? JSON.parse(text) : text,
      text,
    };
  }

  /** The stored object behind an absolute avatar URL, fetched from this app. */
  async function fetchMedia(avatarUrl: string) {
    const path = avatarUrl.replace(t.config.http.appUrl, '');
    return fetch(t.url + path);
  }

  function keyOf(avatarUrl: string): string {
    return avatarUrl.replace(`${t.config.http.appUrl}/media/`, '');
  }

  /** GET over a raw socket: the path is sent exactly as written (fetch would normalize `..`). */
  function rawGet(path: string): Promise<{ status: number; body: string }> {
    const { port } = new URL(t.url);
    return new Promise((resolve, reject) => {
      const req = httpGet({ host: '127.0.0.1', port, path, method: 'GET' }, (res) => {
        let body = '';
        res.on('data', (chunk: Buffer) => (body += chunk.toString()));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
      });
      req.on('error', reject);
      req.end();
    });
  }

  describe('profile created with every user', () => {
    it('through signup, with defaults, and in GET /users/me', async () => {
      const email = `signup${Date.now()}@example.com`;
      const signup = await t.request('POST', '/api/v1/auth/signup', {
        body: { email, name: 'Signup Person', password: 'correct horse battery staple 9' },
      });
      expect(signup.status).toBe(201);
      expect(signup.body.user.profile).toMatchObject(DEFAULTS);
      const row = await profileRow(signup.body.user.id);
      expect(row).toMatchObject({
        timezone: 'UTC',
        locale: 'en',
        notify_email_security: true,
        notify_email_product: true,
        notify_email_marketing: false,
        preferences: {},
        avatar_key: null,
      });

      const profile = await t.request('GET', '/api/v1/profile', {
        token: signup.body.accessToken,
      });
      expect(profile.status).toBe(200);
      expect(profile.body).toEqual({ ...DEFAULTS, updatedAt: expect.any(String) });
      const me = await t.request('GET', '/api/v1/users/me', { token: signup.body.accessToken });
      expect(me.body.profile).toEqual(profile.body);
    });

    it('through UsersService.create, in the same transaction', async () => {
      const { user } = await createUser(t);
      expect(await profileRow(user.id)).toMatchObject({ timezone: 'UTC', locale: 'en' });

      // A creation that rolls back leaves neither a user nor a profile behind.
      const email = `rollback${Date.now()}@example.com`;
      await expect(
        t.dataSource.transaction(async (manager) => {
          await t.app
            .get(UsersService)
            .create(
              { email, name: 'Rolled Back', passwordHash: null, emailVerified: true },
              manager,
            );
          throw new Error('abort');
        }),
      ).rejects.toThrow('abort');
      const [{ n }] = await t.dataSource.query(
        'SELECT count(*)::int AS n FROM profiles p JOIN users u ON u.id = p.user_id WHERE u.email = $1',
        [email],
      );
      expect(n).toBe(0);
    });

    it('goes away with its user (ON DELETE CASCADE)', async () => {
      const { user } = await createUser(t);
      await t.dataSource.query('DELETE FROM users WHERE id = $1', [user.id]);
      expect(await profileRow(user.id)).toBeUndefined();
    });

    it('needs a signed-in caller', async () => {
      expect((await t.request('GET', '/api/v1/profile')).status).toBe(401);
      expect((await t.request('PATCH', '/api/v1/profile', { body: {} })).status).toBe(401);
      expect((await t.request('DELETE', '/api/v1/profile/avatar')).status).toBe(401);
      const png = await solidImage('png');
      expect((await upload('not-a-token', png)).status).toBe(401);
    });
  });

  describe('PATCH /api/v1/profile', () => {
    it('changes time zone and locale (canonical), merges notifications, replaces preferences', async () => {
      const { userId, token } = await signedIn();
      const first = await t.request('PATCH', '/api/v1/profile', {
        token,
        body: {
          timezone: 'Europe/Paris',
          locale: 'en-us',
          notifications: { email: { marketing: true } },
          preferences: { theme: 'dark', layout: { sidebar: ['a', 'b'], compact: true } },
        },
      });
      expect(first.status).toBe(200);
      expect(first.body).toMatchObject({
        timezone: 'Europe/Paris',
        locale: 'en-US',
        notifications: { email: { security: true, product: true, marketing: true } },
        preferences: { theme: 'dark', layout: { sidebar: ['a', 'b'], compact: true } },
      });

      const second = await t.request('PATCH', '/api/v1/profile', {
        token,
        body: {
          timezone: 'Asia/Kolkata',
          notifications: { email: { product: false } },
          preferences: { fontSize: 14 },
        },
      });
      expect(second.status).toBe(200);
      expect(second.body).toMatchObject({
        timezone: 'Asia/Kolkata',
        locale: 'en-US',
        notifications: { email: { security: true, product: false, marketing: true } },
        preferences: { fontSize: 14 },
      });
      expect(new Date(second.body.updatedAt).getTime()).toBeGreaterThanOrEqual(
        new Date(first.body.updatedAt).getTime(),
      );
      expect(await profileRow(userId)).toMatchObject({
        timezone: 'Asia/Kolkata',
        locale: 'en-US',
        notify_email_security: true,
        notify_email_product: false,
        notify_email_marketing: true,
        preferences: { fontSize: 14 },
      });

      const empty = await t.request('PATCH', '/api/v1/profile', { token, body: {} });
      expect(empty.status).toBe(200);
      expect(empty.body).toEqual(second.body);
    });

    it('spells a time zone the usual way (europe/paris → Europe/Paris)', async () => {
      const { token } = await signedIn();
      const res = await t.request('PATCH', '/api/v1/profile', {
        token,
        body: { timezone: 'europe/paris', locale: 'DE-de' },
      });
      expect(res.status).toBe(200);
      expect(res.body).toMatchObject({ timezone: 'Europe/Paris', locale: 'de-DE' });
    });

    it('accepts UTC and preferences nested exactly 8 levels deep', async () => {
      const { token } = await signedIn();
      let nested: Record<string, unknown> = { leaf: true };
      for (let level = 1; level < 8; level++) nested = { n: nested };
      const res = await t.request('PATCH', '/api/v1/profile', {
        token,
        body: { timezone: 'UTC', locale: 'zh-Hant-TW', preferences: nested },
      });
      expect(res.status).toBe(200);
      expect(res.body).toMatchObject({
        timezone: 'UTC',
        locale: 'zh-Hant-TW',
        preferences: nested,
      });
    });

    let deep: Record<string, unknown> = { leaf: true };
    for (let level = 1; level < 9; level++) deep = { n: deep };

    it.each([
      ['timezone', { timezone: 'Mars/Olympus' }],
      ['timezone', { timezone: '+01:00' }],
      ['timezone', { timezone: 'Europe/../../etc' }],
      ['timezone', { timezone: '' }],
      ['timezone', { timezone: 42 }],
      ['timezone', { timezone: null }],
      ['timezone', { timezone: ['UTC'] }],
      ['locale', { locale: 'en_US' }],
      ['locale', { locale: 'not a locale' }],
      ['locale', { locale: 'x' }],
      ['locale', { locale: 'en-' + 'a'.repeat(80) }],
      ['locale', { locale: null }],
      ['notifications', { notifications: null }],
      ['notifications', { notifications: [] }],
      ['notifications', { notifications: 'all' }],
      ['notifications.sms', { notifications: { sms: { security: true } } }],
      ['notifications.email', { notifications: { email: true } }],
      ['notifications.email.push', { notifications: { email: { push: true } } }],
      ['notifications.email.marketing', { notifications: { email: { marketing: 'yes' } } }],
      ['notifications.email.security', { notifications: { email: { security: null } } }],
      ['preferences', { preferences: null }],
      ['preferences', { preferences: [] }],
      ['preferences', { preferences: 'dark' }],
      ['preferences', { preferences: deep }],
      ['preferences', { preferences: { blob: 'x'.repeat(16 * 1024) } }],
      ['preferences', { preferences: { constructor: 1 } }],
      ['preferences', { preferences: { a: { prototype: { polluted: true } } } }],
      ['preferences', { preferences: { a: [{ b: { constructor: { x: 1 } } }] } }],
      ['preferences', { preferences: { nul: 'a\u0000b' } }],
      ['preferences', { preferences: { lone: '\ud800' } }],
      ['avatarKey', { avatarKey: 'avatars/someone-else.webp' }],
      ['userId', { userId: '00000000-0000-4000-8000-000000000000' }],
    ])('refuses %s in %j with 400 validation_failed, changing nothing', async (field, body) => {
      const { userId, token } = await signedIn();
      const before = await profileRow(userId);
      const res = await t.request('PATCH', '/api/v1/profile', { token, body });
      expect(res.status).toBe(400);
      expect(res.headers.get('content-type')).toMatch(/application\/problem\+json/);
      expect(res.body.code).toBe('validation_failed');
      expect(res.body.errors.map((error: { field: string }) => error.field)).toContain(field);
      expect(await profileRow(userId)).toEqual(before);
    });

    it.each([
      '{"preferences":{"__proto__":{"isAdmin":true}}}',
      '{"preferences":{"a":{"b":{"__proto__":{"isAdmin":true}}}}}',
      '{"preferences":{"a":{"constructor":{"prototype":{"isAdmin":true}}}}}',
      '{"__proto__":{"timezone":"Europe/Paris"}}',
      '{"constructor":{"name":"x"},"timezone":"Europe/Paris"}',
      '{"prototype":1,"timezone":"Europe/Paris"}',
      '{"preferences":{"list":[{"prototype":{}}]}}',
    ])('refuses prototype keys in raw JSON %s', async (raw) => {
      const { userId, token } = await signedIn();
      const before = await profileRow(userId);
      const res = await t.request('PATCH', '/api/v1/profile', { token, raw });
      expect(res.status).toBe(400);
      expect(res.body.code).toBe('validation_failed');
      expect(await profileRow(userId)).toEqual(before);
      expect(({} as Record<string, unknown>).isAdmin).toBeUndefined();
    });

    it('refuses a 100 KiB+ body with 413', async () => {
      const { token } = await signedIn();
      const res = await t.request('PATCH', '/api/v1/profile', {
        token,
        body: { preferences: { blob: 'x'.repeat(110 * 1024) } },
      });
      expect(res.status).toBe(413);
      expect(res.body.code).toBe('payload_too_large');
    });
  });

  describe('PUT /api/v1/profile/avatar', () => {
    it.each<ImageFormat>(['png', 'jpeg', 'webp', 'gif'])(
      'accepts a %s and serves it as a 256×256 WebP',
      async (format) => {
        const { userId, token } = await signedIn();
        const image = await solidImage(format, 400, 300);
        const res = await upload(token, image, {
          filename: `me.${format}`,
          type: `image/${format}`,
        });
        expect(res.status).toBe(200);
        expect(res.body.avatarUrl).toMatch(
          new RegExp(`^http://gatehouse\\.test/media/avatars/${userId}/[A-Za-z0-9_-]{22}\\.webp$`),
        );
        expect(res.body).toMatchObject({ timezone: 'UTC', preferences: {} });
        expect((await profileRow(userId)).avatar_key).toBe(keyOf(res.body.avatarUrl));

        const served = await fetchMedia(res.body.avatarUrl);
        expect(served.status).toBe(200);
        expect(served.headers.get('content-type')).toBe('image/webp');
        expect(served.headers.get('x-content-type-options')).toBe('nosniff');
        expect(served.headers.get('cache-control')).toBe('public, max-age=31536000, immutable');
        const stored = Buffer.from(await served.arrayBuffer());
        const metadata = await sharp(stored).metadata();
        expect(metadata).toMatchObject({ format: 'webp', width: 256, height: 256 });

        const me = await t.request('GET', '/api/v1/users/me', { token });
        expect(me.body.profile.avatarUrl).toBe(res.body.avatarUrl);
      },
    );

    it('strips EXIF (GPS included) and other metadata', async () => {
      const { token } = await signedIn();
      const withGps = await sharp({
        create: { width: 320, height: 240, channels: 3, background: '#3366cc' },
      })
        .jpeg()
        .withExif({
          IFD0: { Make: 'SpyCam', Model: 'Tracker 3000', Copyright: 'secret-owner' },
          IFD3: {
            GPSLatitudeRef: 'N',
            GPSLatitude: '48/1 51/1 2964/100',
            GPSLongitudeRef: 'E',
            GPSLongitude: '2/1 17/1 4020/100',
          },
        })
        .toBuffer();
      const input = await sharp(withGps).metadata();
      expect(input.exif?.toString('latin1')).toContain('SpyCam');
      expect(input.exif?.length).toBeGreaterThan(100);

      const res = await upload(token, withGps, { filename: 'photo.jpg', type: 'image/jpeg' });
      expect(res.status).toBe(200);
      const stored = Buffer.from(await (await fetchMedia(res.body.avatarUrl)).arrayBuffer());
      const metadata = await sharp(stored).metadata();
      expect(metadata.exif).toBeUndefined();
      expect(metadata.xmp).toBeUndefined();
      expect(metadata.icc).toBeUndefined();
      expect(stored.toString('latin1')).not.toContain('SpyCam');
      expect(stored.toString('latin1')).not.toContain('secret-owner');
    });

    it.each([
      ['HTML named .png', '<!doctype html><html><script>alert(1)</script></html>', 'x.png'],
      [
        'SVG',
        '<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg" width="10" height="10">' +
          '<script>alert(1)</script><rect width="10" height="10"/></svg>',
        'x.svg',
      ],
      ['SVG named .png', '<svg xmlns="http://www.w3.org/2000/svg"><rect/></svg>', 'x.png'],
      ['script named .png', '#!/bin/sh\nrm -rf /\n', 'x.png'],
      ['PDF named .png', '%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF', 'x.png'],
    ])('refuses %s with 415, storing nothing', async (_name, content, filename) => {
      const { userId, token } = await signedIn();
      const res = await upload(token, content, { filename, type: 'image/png' });
      expect(res.status).toBe(415);
      expect(res.body.code).toBe('unsupported_media_type');
      expect((await profileRow(userId)).avatar_key).toBeNull();
      expect(existsSync(join(t.dataDir, 'media', 'avatars', userId))).toBe(false);
    });

    it('refuses a 6 MiB upload with 413', async () => {
      const { userId, token } = await signedIn();
      const big = Buffer.concat([await solidImage('png'), Buffer.alloc(6 * 1024 * 1024, 1)]);
      const res = await upload(token, big);
      expect(res.status).toBe(413);
      expect(res.body.code).toBe('payload_too_large');
      expect((await profileRow(userId)).avatar_key).toBeNull();
    });

    it('refuses a PNG that declares 50,000 × 50,000 pixels (decompression bomb)', async () => {
      const { userId, token } = await signedIn();
      const bomb = await pngDeclaring(50_000, 50_000);
      expect(bomb.length).toBeLessThan(200);
      const header = await sharp(bomb, { limitInputPixels: false }).metadata();
      expect(header).toMatchObject({ width: 50_000, height: 50_000 });

      const res = await upload(token, bomb);
      expect([400, 413]).toContain(res.status);
      expect(res.body.code).toBe('payload_too_large');
      expect((await profileRow(userId)).avatar_key).toBeNull();
      // Still serving.
      expect((await t.request('GET', '/health/live')).status).toBe(200);
    });

    it.each<[ImageFormat, string]>([
      ['png', 'image/png'],
      ['jpeg', 'image/jpeg'],
    ])('refuses a truncated %s with 400', async (format, type) => {
      const { userId, token } = await signedIn();
      const whole = await sharp({
        create: { width: 300, height: 300, channels: 3, background: '#884422' },
      })
        .composite([
          {
            input: await sharp({
              create: { width: 100, height: 100, channels: 3, background: '#22ff88' },
            })
              .png()
              .toBuffer(),
            top: 100,
            left: 100,
          },
        ])
        .toFormat(format)
        .toBuffer();
      const truncated = whole.subarray(0, Math.floor(whole.length * 0.6));
      const res = await upload(token, truncated, { type });
      expect(res.status).toBe(400);
      expect(res.body.code).toBe('validation_failed');
      expect(res.body.errors[0].field).toBe('file');
      expect((await profileRow(userId)).avatar_key).toBeNull();
    });

    it('refuses a body that is not multipart (415), a missing or misnamed file (400)', async () => {
      const { token } = await signedIn();
      const json = await t.request('PUT', '/api/v1/profile/avatar', {
        token,
        body: { file: 'iVBORw0KGgo=' },
      });
      expect(json.status).toBe(415);
      expect(json.body.code).toBe('unsupported_media_type');

      const misnamed = await upload(token, await solidImage('png'), { field: 'avatar' });
      expect(misnamed.status).toBe(400);
      expect(misnamed.body.errors[0].field).toBe('file');

      const form = new FormData();
      form.append('note', 'no file here');
      const noFile = await fetch(`${t.url}/api/v1/profile/avatar`, {
        method: 'PUT',
        body: form,
        headers: { authorization: `Bearer ${token}` },
      });
      expect(noFile.status).toBe(400);
      expect(((await noFile.json()) as { code: string }).code).toBe('validation_failed');

      const empty = await upload(token, Buffer.alloc(0));
      expect(empty.status).toBe(400);
    });

    it('uses only the first file when a request carries two (files limit 1)', async () => {
      const { userId, token } = await signedIn();
      const form = new FormData();
      form.append('file', new Blob([await solidImage('png')], { type: 'image/png' }), 'a.png');
      form.append('file', new Blob([await solidImage('gif')], { type: 'image/gif' }), 'b.gif');
      const res = await fetch(`${t.url}/api/v1/profile/avatar`, {
        method: 'PUT',
        body: form,
        headers: { authorization: `Bearer ${token}` },
      });
      expect(res.status).toBe(200);
      expect(readdirSync(join(t.dataDir, 'media', 'avatars', userId))).toHaveLength(1);
    });

    it('replaces the previous avatar (new key, old object deleted) and DELETE removes it', async () => {
      const { userId, token } = await signedIn();
      const first = await upload(token, await solidImage('png'));
      expect(first.status).toBe(200);
      const firstKey = keyOf(first.body.avatarUrl);
      const firstFile = join(t.dataDir, 'media', firstKey);
      expect(existsSync(firstFile)).toBe(true);

      const second = await upload(token, await solidImage('jpeg'), { type: 'image/jpeg' });
      expect(second.status).toBe(200);
      const secondKey = keyOf(second.body.avatarUrl);
      expect(secondKey).not.toBe(firstKey);
      expect(existsSync(firstFile)).toBe(false);
      expect((await fetchMedia(first.body.avatarUrl)).status).toBe(404);
      expect((await fetchMedia(second.body.avatarUrl)).status).toBe(200);
      expect((await profileRow(userId)).avatar_key).toBe(secondKey);

      const removed = await t.request('DELETE', '/api/v1/profile/avatar', { token });
      expect(removed.status).toBe(204);
      expect(removed.text).toBe('');
      expect((await profileRow(userId)).avatar_key).toBeNull();
      expect(existsSync(join(t.dataDir, 'media', secondKey))).toBe(false);
      expect((await fetchMedia(second.body.avatarUrl)).status).toBe(404);
      const profile = await t.request('GET', '/api/v1/profile', { token });
      expect(profile.body.avatarUrl).toBeNull();

      // Removing again is harmless.
      expect((await t.request('DELETE', '/api/v1/profile/avatar', { token })).status).toBe(204);
    });

    it('keeps one avatar through concurrent uploads, deleting every displaced object', async () => {
      const { userId, token } = await signedIn();
      const results = await Promise.all(
        [1, 2, 3].map(async () => upload(token, await solidImage('png'))),
      );
      expect(results.map((r) => r.status)).toEqual([200, 200, 200]);
      const current = (await profileRow(userId)).avatar_key;
      const files = readdirSync(join(t.dataDir, 'media', 'avatars', userId));
      expect(files).toEqual([current.split('/').pop()]);
    });
  });

  describe('GET /media/*', () => {
    it('answers 404 for unknown keys and for any path that tries to leave the media root', async () => {
      expect(existsSync(join(t.dataDir, 'app-secret'))).toBe(true);
      const unknown = await t.request('GET', '/media/avatars/nobody/none.webp');
      expect(unknown.status).toBe(404);
      expect(unknown.body.code).toBe('not_found');

      for (const path of [
        '/media/../app-secret',
        '/media/../../etc/passwd',
        '/media/%2e%2e/app-secret',
        '/media/..%2fapp-secret',
        '/media/avatars/..%2f..%2fapp-secret',
        '/media/%2e%2e%2f%2e%2e%2fapp-secret',
        '/media/..%5capp-secret',
        '/media//etc/passwd',
        '/media/app-secret',
        '/media/',
      ]) {
        const res = await rawGet(path);
        expect({ path, status: res.status }).toEqual({ path, status: 404 });
        expect(res.body).not.toContain(t.config.appSecret);
      }
    });
  });
});
