import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import fastifyStatic from '@fastify/static';
import { Logger } from '@nestjs/common';
import { NestFastifyApplication } from '@nestjs/platform-fastify';
import { FastifyReply, FastifyRequest } from 'fastify';

/** Where `vite build --config web/vite.config.ts` writes the pages (same from src/ and dist/). */
export const WEB_DIST_DIR = join(__dirname, '..', '..', 'web', 'dist');

/** First path segments that belong to the API and never fall back to the pages. */
const SERVER_SEGMENTS = new Set([
  'api',
  'docs',
  'docs-json',
  'docs-yaml',
  'media',
  'health',
  '.well-known',
]);

/** True for a path the single-page app answers with index.html (its client-side routes). */
export function isAppRoute(url: string): boolean {
  const path = url.split('?', 1)[0].split('#', 1)[0];
  const segments = path.split('/').filter((segment) => segment.length > 0);
  if (segments.length > 0 && SERVER_SEGMENTS.has(segments[0].toLowerCase())) return false;
  // A missing file (`/favicon.ico`, `/assets/gone.js`) is a 404, not a page.
  return !/\.[a-z0-9]+$/i.test(segments.at(-1) ?? '');
}

/**
 * Serves the built pages from WEB_DIST_DIR: hashed assets cached for a year, everything else
 * revalidated, and index.html for the app's own routes. Unknown paths under the API prefixes
 * keep their problem+json 404. Does nothing when the pages are not built (e.g. `nest start`).
 */
export async function registerWebApp(
  app: NestFastifyApplication,
  root: string = WEB_DIST_DIR,
): Promise<boolean> {
  const indexFile = join(root, 'index.html');
  if (!existsSync(indexFile)) {
    new Logger('WebApp').warn(`Web pages not built (${indexFile} missing): run npm run build`);
    return false;
  }
  const indexHtml = readFileSync(indexFile);

  // Only files present at start get a route (wildcard: false), so no request reaches the disk
  // for a name that was not built.
  await app.register(fastifyStatic, {
    root,
    prefix: '/',
    wildcard: false,
    index: false,
    decorateReply: false,
    // Our own Cache-Control below, per file (send's default would overwrite it).
    cacheControl: false,
    setHeaders: (response, filePath) => {
      const immutable = filePath.startsWith(join(root, 'assets'));
      response.setHeader(
        'cache-control',
        immutable ? 'public, max-age=31536000, immutable' : 'no-cache',
      );
    },
  });

  const fastify = app.getHttpAdapter().getInstance();
  const serveIndex = (request: FastifyRequest, reply: FastifyReply) => {
    if (!isAppRoute(request.url)) return reply.callNotFound();
    return reply
      .header('content-type', 'text/html; charset=utf-8')
      .header('cache-control', 'no-cache')
      .send(indexHtml);
  };
  fastify.get('/', serveIndex);
  fastify.get('/*', serveIndex);
  return true;
}
