import { PutObjectCommand, S3ServiceException } from '@aws-sdk/client-s3';
import { Logger } from '@nestjs/common';
import { S3Storage } from './s3-storage';
import { ObjectExistsError } from './storage';

function s3Error(name: string, status: number): S3ServiceException {
  return new S3ServiceException({ name, $fault: 'client', $metadata: { httpStatusCode: status } });
}

/** A stand-in S3 client: HEAD says "absent", PUT behaves as `onPut` says. */
function fakeClient(onPut: (input: PutObjectCommand['input']) => void) {
  const puts: Array<PutObjectCommand['input']> = [];
  return {
    puts,
    client: {
      destroy: () => undefined,
      send: (command: { input: unknown }) => {
        if (command instanceof PutObjectCommand) {
          puts.push(command.input);
          onPut(command.input);
          return Promise.resolve({});
        }
        return Promise.reject(s3Error('NotFound', 404));
      },
    },
  };
}

const options = {
  bucket: 'media',
  region: 'us-east-1',
  location: '/gatehouse/media/',
  forcePathStyle: true,
  appUrl: 'https://id.example.com',
};

describe('S3Storage', () => {
  it('puts under S3_LOCATION with If-None-Match: *', async () => {
    const { client, puts } = fakeClient(() => undefined);
    const storage = new S3Storage(options, client);
    await storage.put('avatars/u/k.webp', Buffer.from('x'), 'image/webp');
    expect(puts[0]).toMatchObject({
      Bucket: 'media',
      Key: 'gatehouse/media/avatars/u/k.webp',
      IfNoneMatch: '*',
      ContentType: 'image/webp',
    });
  });

  it('maps 412 Precondition Failed to ObjectExistsError', async () => {
    const { client } = fakeClient(() => {
      throw s3Error('PreconditionFailed', 412);
    });
    const storage = new S3Storage(options, client);
    await expect(
      storage.put('avatars/u/k.webp', Buffer.from('x'), 'image/webp'),
    ).rejects.toBeInstanceOf(ObjectExistsError);
  });

  it('falls back to plain puts when the store does not implement conditional ones', async () => {
    const { client, puts } = fakeClient((input) => {
      if (input.IfNoneMatch) throw s3Error('NotImplemented', 501);
    });
    const warn = jest.spyOn(Logger.prototype, 'warn').mockImplementation(() => undefined);
    const storage = new S3Storage(options, client);
    await storage.put('avatars/u/a.webp', Buffer.from('x'), 'image/webp');
    await storage.put('avatars/u/b.webp', Buffer.from('x'), 'image/webp');
    expect(puts.map((put) => put.IfNoneMatch)).toEqual(['*', undefined, undefined]);
    expect(warn).toHaveBeenCalledTimes(1);
    warn.mockRestore();
  });

  it('gives public URLs from S3_PUBLIC_URL, else through the app', () => {
    const { client } = fakeClient(() => undefined);
    expect(
      new S3Storage(
        { ...options, publicUrl: 'https://cdn.example.com/' },
        client as never,
      ).publicUrl('avatars/u/k.webp'),
    ).toBe('https://cdn.example.com/gatehouse/media/avatars/u/k.webp');
    expect(new S3Storage(options, client as never).publicUrl('avatars/u/k.webp')).toBe(
      'https://id.example.com/media/avatars/u/k.webp',
    );
  });
});
