import { fromBuffer } from 'file-type';
import type { Metadata, SharpOptions } from 'sharp';
import { AppException } from '../common/errors/app.exception';

export const AVATAR_SIZE = 256;
/** Decoding refuses anything larger, so a small file declaring a huge image cannot exhaust memory. */
export const AVATAR_MAX_INPUT_PIXELS = 40_000_000;

// What the content says, not the file name or declared type; mapped to sharp's format name.
const ACCEPTED: Record<string, string> = {
  'image/png': 'png',
  'image/jpeg': 'jpeg',
  'image/webp': 'webp',
  'image/gif': 'gif',
};

const DECODE_OPTIONS: SharpOptions = {
  limitInputPixels: AVATAR_MAX_INPUT_PIXELS,
  // Truncated or corrupt data is an error, not an image with a grey band.
  failOn: 'error',
  // Only the first frame of an animated GIF or WebP.
  pages: 1,
};

function tooLarge(): AppException {
  return new AppException(
    'payload_too_large',
    `The image is larger than ${AVATAR_MAX_INPUT_PIXELS / 1_000_000} megapixels`,
  );
}

function exceedsPixelLimit(error: unknown): boolean {
  return error instanceof Error && /pixel limit/i.test(error.message);
}

function undecodable(): AppException {
  return AppException.validation('file', 'The image could not be decoded (corrupt or truncated)');
}

/**
 * Checks that `upload` is a PNG, JPEG, WebP or GIF by its content and re-encodes it to a
 * 256×256 WebP (cover crop). The output carries no metadata (EXIF, GPS, XMP, ICC): sharp
 * writes none unless asked to.
 */
export async function renderAvatar(upload: Buffer): Promise<Buffer> {
  const detected = await fromBuffer(upload);
  const format = detected ? ACCEPTED[detected.mime] : undefined;
  if (!format) {
    throw new AppException(
      'unsupported_media_type',
      'The avatar must be a PNG, JPEG, WebP or GIF image',
    );
  }

  // Loaded on first upload rather than at start (libvips is a large native module).
  const { default: sharp } = await import('sharp');
  let metadata: Metadata;
  try {
    metadata = await sharp(upload, DECODE_OPTIONS).metadata();
  } catch (error) {
    throw exceedsPixelLimit(error) ? tooLarge() : undecodable();
  }
  // The header is read before any pixel: a declared 50,000 × 50,000 image stops here.
  if (metadata.format !== format || !metadata.width || !metadata.height) throw undecodable();
  if (metadata.width * (metadata.pageHeight ?? metadata.height) > AVATAR_MAX_INPUT_PIXELS) {
    throw tooLarge();
  }

  try {
    return await sharp(upload, DECODE_OPTIONS)
      .autoOrient() // apply the EXIF orientation before the EXIF is dropped
      .resize(AVATAR_SIZE, AVATAR_SIZE, { fit: 'cover', position: 'centre' })
      .webp({ quality: 85 })
      .timeout({ seconds: 10 })
      .toBuffer();
  } catch (error) {
    throw exceedsPixelLimit(error) ? tooLarge() : undecodable();
  }
}
