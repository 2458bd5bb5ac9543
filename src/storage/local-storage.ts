import { randomBytes } from 'node:crypto';
import { link, mkdir, open, unlink, writeFile } from 'node:fs/promises';
import { dirname, join, resolve, sep } from 'node:path';
import { contentTypeOf, isMediaKey, mediaRouteUrl } from './media-keys';
import { ObjectExistsError, Storage, StoredObject } from './storage';

function errorCode(error: unknown): string | undefined {
  return (error as NodeJS.ErrnoException | undefined)?.code;
}

/** Media on the local disk under `DATA_DIR/media`, served by the app at `/media/<key>`. */
export class LocalStorage extends Storage {
  private readonly root: string;

  constructor(
    root: string,
    private readonly appUrl: string,
  ) {
    super();
    this.root = resolve(root);
  }

  /** The file of a key, or null when the key could escape the root (it cannot if valid). */
  private pathOf(key: string): string | null {
    if (!isMediaKey(key)) return null;
    const path = resolve(this.root, key);
    return path.startsWith(this.root + sep) ? path : null;
  }

  async put(key: string, body: Buffer, _contentType: string): Promise<void> {
    const path = this.pathOf(key);
    if (!path) throw new Error(`Not a media key: ${key}`);
    await mkdir(dirname(path), { recursive: true });
    // Written aside, then linked into place: link() fails if the key exists (never an
    // overwrite), and readers never see a half-written file.
    const temporary = join(dirname(path), `.${randomBytes(8).toString('hex')}.tmp`);
    await writeFile(temporary, body, { flag: 'wx', mode: 0o644 });
    try {
      await link(temporary, path);
    } catch (error) {
      if (errorCode(error) === 'EEXIST') throw new ObjectExistsError(key);
      throw error;
    } finally {
      await unlink(temporary).catch(() => undefined);
    }
  }

  async get(key: string): Promise<StoredObject | null> {
    const path = this.pathOf(key);
    if (!path) return null;
    let handle;
    try {
      handle = await open(path, 'r');
    } catch (error) {
      if (['ENOENT', 'ENOTDIR', 'EISDIR'].includes(errorCode(error) ?? '')) return null;
      throw error;
    }
    const stats = await handle.stat();
    if (!stats.isFile()) {
      await handle.close();
      return null;
    }
    // The stream owns the handle from here and closes it when done or destroyed.
    const body = handle.createReadStream();
    return { body, contentType: contentTypeOf(key), size: stats.size };
  }

  async delete(key: string): Promise<void> {
    const path = this.pathOf(key);
    if (!path) return;
    try {
      await unlink(path);
    } catch (error) {
      if (errorCode(error) !== 'ENOENT') throw error;
    }
  }

  publicUrl(key: string): string {
    return mediaRouteUrl(this.appUrl, key);
  }
}
