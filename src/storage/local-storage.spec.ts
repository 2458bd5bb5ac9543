import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { text } from 'node:stream/consumers';
import { LocalStorage } from './local-storage';
import { isMediaKey } from './media-keys';
import { ObjectExistsError } from './storage';

describe('LocalStorage', () => {
  let dir: string;
  let storage: LocalStorage;

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'gatehouse-media-'));
    storage = new LocalStorage(join(dir, 'media'), 'https://id.example.com');
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('stores, reads back, never overwrites, deletes', async () => {
    await storage.put('avatars/u1/abc.webp', Buffer.from('first'), 'image/webp');
    await expect(
      storage.put('avatars/u1/abc.webp', Buffer.from('second'), 'image/webp'),
    ).rejects.toBeInstanceOf(ObjectExistsError);
    expect(readFileSync(join(dir, 'media/avatars/u1/abc.webp'), 'utf8')).toBe('first');

    const object = await storage.get('avatars/u1/abc.webp');
    expect(object).toMatchObject({ contentType: 'image/webp', size: 5 });
    expect(await text(object!.body)).toBe('first');

    await storage.delete('avatars/u1/abc.webp');
    expect(await storage.get('avatars/u1/abc.webp')).toBeNull();
    await expect(storage.delete('avatars/u1/abc.webp')).resolves.toBeUndefined();
  });

  it('builds absolute URLs under /media', () => {
    expect(storage.publicUrl('avatars/u1/abc.webp')).toBe(
      'https://id.example.com/media/avatars/u1/abc.webp',
    );
  });

  it('never reads or writes outside its root', async () => {
    writeFileSync(join(dir, 'secret.webp'), 'secret');
    for (const key of ['../secret.webp', 'a/../../secret.webp', '/etc/passwd', 'a\\..\\b.webp']) {
      expect(isMediaKey(key)).toBe(false);
      expect(await storage.get(key)).toBeNull();
      await expect(storage.put(key, Buffer.from('x'), 'image/webp')).rejects.toThrow(
        'Not a media key',
      );
    }
    expect(readFileSync(join(dir, 'secret.webp'), 'utf8')).toBe('secret');
  });

  it('answers null for a directory', async () => {
    await storage.put('avatars/u1/abc.webp', Buffer.from('x'), 'image/webp');
    expect(isMediaKey('avatars/u1.webp')).toBe(true);
    expect(await storage.get('avatars.webp')).toBeNull();
  });
});
