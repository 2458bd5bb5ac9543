import { Readable } from 'node:stream';

/** An object read back from storage, streamed rather than buffered. */
export interface StoredObject {
  body: Readable;
  contentType: string;
  /** Bytes, when the store says. */
  size?: number;
}

/** A key that already names an object: stores never overwrite. */
export class ObjectExistsError extends Error {
  constructor(readonly key: string) {
    super(`An object already exists at ${key}`);
  }
}

/**
 * Where media (avatars) live. Inject `Storage`; the driver (`local` disk or `s3`) comes from
 * STORAGE_DRIVER. Keys are relative (`avatars/<userId>/<random>.webp`) and always pass
 * `isMediaKey`; a driver may place them under a prefix of its own.
 */
export abstract class Storage {
  /** Stores a new object. Never replaces one: an existing key is an `ObjectExistsError`. */
  abstract put(key: string, body: Buffer, contentType: string): Promise<void>;

  /** The object, or null when there is none (or the key is not a media key). */
  abstract get(key: string): Promise<StoredObject | null>;

  /** Removes the object; a missing one is not an error. */
  abstract delete(key: string): Promise<void>;

  /** The absolute URL clients fetch the object from. */
  abstract publicUrl(key: string): string;

  /** Releases connections at shutdown (none by default). */
  close(): void {}
}
