// Brings in the request.file() / isMultipart() typings.
import type {} from '@fastify/multipart';
import { FastifyRequest } from 'fastify';
import { AppException } from '../common/errors/app.exception';

export const MAX_UPLOAD_BYTES = 5 * 1024 * 1024;

/**
 * `@fastify/multipart` limits, registered in the app factory: one file of at most 5 MiB,
 * at most one small text field, nothing else.
 */
export const MULTIPART_LIMITS = {
  fileSize: MAX_UPLOAD_BYTES,
  files: 1,
  fields: 1,
  fieldSize: 1024,
  parts: 2,
  headerPairs: 20,
};

interface MultipartError extends Error {
  code?: string;
  statusCode?: number;
}

function toAppException(error: unknown, field: string): AppException {
  const failure = error as MultipartError;
  if (failure?.statusCode === 413) {
    return new AppException(
      'payload_too_large',
      failure.code === 'FST_REQ_FILE_TOO_LARGE'
        ? `The file is larger than ${MAX_UPLOAD_BYTES / 1024 / 1024} MiB`
        : 'Send one file and nothing else',
    );
  }
  // Malformed multipart data (no boundary, a part cut short, a prototype field name).
  return AppException.validation(field, 'The multipart body could not be read');
}

/**
 * Reads the one file of a multipart request into memory, refusing it with 413 as soon as it
 * passes MAX_UPLOAD_BYTES: at most that much is ever buffered.
 */
export async function readUploadedFile(request: FastifyRequest, field: string): Promise<Buffer> {
  if (!request.isMultipart()) {
    throw new AppException(
      'unsupported_media_type',
      `Send the file as multipart/form-data in the field \`${field}\``,
    );
  }
  try {
    const part = await request.file();
    if (!part) throw AppException.validation(field, `${field} is required`);
    if (part.fieldname !== field) {
      part.file.resume();
      throw AppException.validation(field, `Send the file in the field \`${field}\``);
    }
    const content = await part.toBuffer();
    if (content.length === 0) throw AppException.validation(field, `${field} is empty`);
    return content;
  } catch (error) {
    if (error instanceof AppException) throw error;
    throw toAppException(error, field);
  }
}
