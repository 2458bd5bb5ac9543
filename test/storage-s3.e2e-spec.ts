import {
  GetObjectCommand,
  ListObjectsV2Command,
  PutObjectCommand,
  S3Client,
} from '@aws-sdk/client-s3';
import sharp from 'sharp';
import { Storage, ObjectExistsError } from '../src/storage/storage';
import { createUser, login } from './support/factories';
import { solidImage } from './support/images';
import { S3RVER_CREDENTIALS, startS3Server, TestS3Server } from './support/s3-server';
import { startTestApp, TestApp } from './support/test-app';

const BUCKET = 'gatehouse-media';
const LOCATION = 'tenant-a/media';

describe('media on S3 (STORAGE_DRIVER=s3 against s3rver)', () => {
  let s3: TestS3Server;
  let t: TestApp;
  let client: S3Client;
  const savedEnv = { ...process.env };

  beforeAll(async () => {
    s3 = await startS3Server(BUCKET);
    // The driver takes credentials from the standard AWS chain, here the environment.
    process.env.AWS_ACCESS_KEY_ID = S3RVER_CREDENTIALS.accessKeyId;
    process.env.AWS_SECRET_ACCESS_KEY = S3RVER_CREDENTIALS.secretAccessKey;
    t = await startTestApp({
      env: {
        STORAGE_DRIVER: 's3',
        S3_BUCKET: BUCKET,
        S3_REGION: 'us-east-1',
        S3_ENDPOINT: s3.endpoint,
        S3_FORCE_PATH_STYLE: 'true',
        S3_LOCATION: LOCATION,
      },
    });
    client = new S3Client({
      region: 'us-east-1',
      endpoint: s3.endpoint,
      forcePathStyle: true,
      credentials: S3RVER_CREDENTIALS,
    });
  });
  afterAll(async () => {
    client?.destroy();
    await t?.close();
    await s3?.close();
    process.env = savedEnv;
  });

  async function bucketKeys(prefix = ''): Promise<string[]> {
    const listing = await client.send(
      new ListObjectsV2Command({ Bucket: BUCKET, Prefix: prefix || undefined }),
    );
    return (listing.Contents ?? []).map((object) => object.Key!).sort();
  }

  async function objectBytes(key: string): Promise<Buffer> {
    const object = await client.send(new GetObjectCommand({ Bucket: BUCKET, Key: key }));
    return Buffer.from(await object.Body!.transformToByteArray());
  }

  async function upload(token: string, image: Buffer) {
    const form = new FormData();
    form.append('file', new Blob([image], { type: 'image/png' }), 'me.png');
    const response = await fetch(`${t.url}/api/v1/profile/avatar`, {
      method: 'PUT',
      body: form,
      headers: { authorization: `Bearer ${token}` },
    });
    return { status: response.status, body: (await response.json()) as Record<string, any> };
  }

  it('stores avatars under S3_LOCATION, serves them, replaces and deletes them', async () => {
    const { user, password } = await createUser(t);
    const { accessToken } = await login(t, user.email, password);

    const first = await upload(accessToken, await solidImage('png', 300, 200));
    expect(first.status).toBe(200);
    const urlPattern = new RegExp(
      `^http://gatehouse\\.test/media/(avatars/${user.id}/[A-Za-z0-9_-]{22}\\.webp)$`,
    );
    expect(first.body.avatarUrl).toMatch(urlPattern);
    const firstKey = urlPattern.exec(first.body.avatarUrl)![1];
    expect(await bucketKeys()).toEqual([`${LOCATION}/${firstKey}`]);

    const stored = await objectBytes(`${LOCATION}/${firstKey}`);
    expect(await sharp(stored).metadata()).toMatchObject({
      format: 'webp',
      width: 256,
      height: 256,
    });

    // No S3_PUBLIC_URL: the app streams the object from the bucket.
    const served = await fetch(`${t.url}/media/${firstKey}`);
    expect(served.status).toBe(200);
    expect(served.headers.get('content-type')).toBe('image/webp');
    expect(served.headers.get('x-content-type-options')).toBe('nosniff');
    expect(served.headers.get('cache-control')).toBe('public, max-age=31536000, immutable');
    expect(Buffer.from(await served.arrayBuffer()).equals(stored)).toBe(true);

    const second = await upload(accessToken, await solidImage('png', 64, 64));
    expect(second.status).toBe(200);
    const secondKey = urlPattern.exec(second.body.avatarUrl)![1];
    expect(secondKey).not.toBe(firstKey);
    expect(await bucketKeys()).toEqual([`${LOCATION}/${secondKey}`]);
    expect((await fetch(`${t.url}/media/${firstKey}`)).status).toBe(404);

    const removed = await t.request('DELETE', '/api/v1/profile/avatar', { token: accessToken });
    expect(removed.status).toBe(204);
    expect(await bucketKeys()).toEqual([]);
    expect((await fetch(`${t.url}/media/${secondKey}`)).status).toBe(404);
  });

  it('never overwrites an existing object', async () => {
    const storage = t.app.get(Storage);
    const key = 'avatars/someone/fixed-key.webp';
    await storage.put(key, Buffer.from('original'), 'image/webp');
    await expect(storage.put(key, Buffer.from('replacement'), 'image/webp')).rejects.toBeInstanceOf(
      ObjectExistsError,
    );
    expect((await objectBytes(`${LOCATION}/${key}`)).toString()).toBe('original');

    // Only keys under the prefix are touched: an object outside it is invisible to the driver.
    await client.send(
      new PutObjectCommand({ Bucket: BUCKET, Key: 'outside/secret.webp', Body: 'secret' }),
    );
    expect(await storage.get('outside/secret.webp')).toBeNull();
    expect((await fetch(`${t.url}/media/outside/secret.webp`)).status).toBe(404);

    await storage.delete(key);
    expect(await bucketKeys(LOCATION)).toEqual([]);
    expect(await bucketKeys()).toEqual(['outside/secret.webp']);
  });
});
