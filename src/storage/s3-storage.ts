import { Readable } from 'node:stream';
import {
  DeleteObjectCommand,
  GetObjectCommand,
  HeadObjectCommand,
  PutObjectCommand,
  S3Client,
  S3ServiceException,
} from '@aws-sdk/client-s3';
import { Logger } from '@nestjs/common';
import { contentTypeOf, isMediaKey, mediaRouteUrl } from './media-keys';
import { ObjectExistsError, Storage, StoredObject } from './storage';

export interface S3StorageOptions {
  bucket: string;
  region: string;
  endpoint?: string;
  /** Key prefix (`S3_LOCATION`); every object lives under it. */
  location: string;
  forcePathStyle: boolean;
  /** Base URL the bucket is publicly readable at (CDN or website endpoint), if any. */
  publicUrl?: string;
  /** The app's own URL: without a public URL, media is served through `/media/<key>`. */
  appUrl: string;
}

function statusOf(error: unknown): number | undefined {
  return error instanceof S3ServiceException ? error.$metadata.httpStatusCode : undefined;
}

/**
 * Media in an S3 bucket (or an S3-compatible store). Objects are written once under unique
 * keys, with a conditional `If-None-Match: *` put where the store supports it.
 */
export class S3Storage extends Storage {
  private readonly logger = new Logger('Storage');
  private readonly prefix: string;
  /** Turned off the first time a store answers that it does not implement conditional puts. */
  private conditionalPuts = true;

  constructor(
    private readonly options: S3StorageOptions,
    private readonly client: Pick<S3Client, 'send' | 'destroy'> = new S3Client({
      region: options.region,
      endpoint: options.endpoint,
      forcePathStyle: options.forcePathStyle,
      // S3-compatible stores often lack the newer default checksum headers; send them only
      // where an operation requires them.
      requestChecksumCalculation: 'WHEN_REQUIRED',
      responseChecksumValidation: 'WHEN_REQUIRED',
    }),
  ) {
    super();
    const location = options.location.replace(/^\/+|\/+$/g, '');
    this.prefix = location ? `${location}/` : '';
  }

  /** The key in the bucket: always under `S3_LOCATION`. */
  objectKey(key: string): string {
    if (!isMediaKey(key)) throw new Error(`Not a media key: ${key}`);
    return this.prefix + key;
  }

  async put(key: string, body: Buffer, contentType: string): Promise<void> {
    const objectKey = this.objectKey(key);
    // Stores without conditional puts (s3rver, older MinIO) would overwrite silently; a HEAD
    // first keeps that from happening outside a race, and random keys make a race moot.
    if (await this.exists(objectKey)) throw new ObjectExistsError(key);
    try {
      await this.client.send(
        new PutObjectCommand({
          Bucket: this.options.bucket,
          Key: objectKey,
          Body: body,
          ContentType: contentType,
          CacheControl: 'public, max-age=31536000, immutable',
          ...(this.conditionalPuts ? { IfNoneMatch: '*' } : {}),
        }),
      );
    } catch (error) {
      const status = statusOf(error);
      // 412: the key exists; 409: a concurrent conditional put of the same key is under way.
      if (status === 412 || status === 409) throw new ObjectExistsError(key);
      if (this.conditionalPuts && status === 501) {
        this.logger.warn('The object store does not support conditional puts; relying on HEAD');
        this.conditionalPuts = false;
        return this.put(key, body, contentType);
      }
      throw error;
    }
  }

  private async exists(objectKey: string): Promise<boolean> {
    try {
      await this.client.send(
        new HeadObjectCommand({ Bucket: this.options.bucket, Key: objectKey }),
      );
      return true;
    } catch (error) {
      if (statusOf(error) === 404) return false;
      throw error;
    }
  }

  async get(key: string): Promise<StoredObject | null> {
    if (!isMediaKey(key)) return null;
    try {
      const object = await this.client.send(
        new GetObjectCommand({ Bucket: this.options.bucket, Key: this.objectKey(key) }),
      );
      if (!(object.Body instanceof Readable)) return null;
      return { body: object.Body, contentType: contentTypeOf(key), size: object.ContentLength };
    } catch (error) {
      if (statusOf(error) === 404) return null;
      throw error;
    }
  }

  async delete(key: string): Promise<void> {
    await this.client.send(
      new DeleteObjectCommand({ Bucket: this.options.bucket, Key: this.objectKey(key) }),
    );
  }

  publicUrl(key: string): string {
    if (this.options.publicUrl) {
      return `${this.options.publicUrl.replace(/\/+$/, '')}/${this.objectKey(key)}`;
    }
    return mediaRouteUrl(this.options.appUrl, key);
  }

  override close(): void {
    this.client.destroy();
  }
}
