// Segments of letters, digits, `_` and `-` and one extension: no `.`, `..`, `\`, `%` or empty
// segment can appear, so a key can never leave the media root or name a hidden file.
const MEDIA_KEY = /^(?:[A-Za-z0-9_-]{1,128}\/){0,8}[A-Za-z0-9_-]{1,128}\.[a-z0-9]{1,8}$/;

const CONTENT_TYPES: Record<string, string> = {
  webp: 'image/webp',
  png: 'image/png',
  jpg: 'image/jpeg',
  gif: 'image/gif',
};

export function isMediaKey(key: string): boolean {
  return key.length <= 512 && MEDIA_KEY.test(key);
}

/** The content type a media key is served with, decided by us and never by the upload. */
export function contentTypeOf(key: string): string {
  const extension = key.slice(key.lastIndexOf('.') + 1);
  return CONTENT_TYPES[extension] ?? 'application/octet-stream';
}

/** `${base}/media/<key>`, the path the media route serves. */
export function mediaRouteUrl(appUrl: string, key: string): string {
  return `${appUrl}/media/${key}`;
}
