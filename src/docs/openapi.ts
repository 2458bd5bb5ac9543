import { INestApplication } from '@nestjs/common';
import { DocumentBuilder, OpenAPIObject, SwaggerModule } from '@nestjs/swagger';
import { verifyRouteDocs } from '../api-keys/api-key-verify.route';
import { whoamiRouteDocs } from '../auth/whoami.route';

/** Stable operation ids (`Controller_method`), so the committed document is deterministic. */
function operationId(controllerKey: string, methodKey: string): string {
  return `${controllerKey.replace(/Controller$/, '')}_${methodKey}`;
}

/** Recursively sorts object keys so the serialized document never reorders. */
export function sortKeys<T>(value: T): T {
  if (Array.isArray(value)) return value.map((item: unknown) => sortKeys(item)) as T;
  if (value && typeof value === 'object') {
    return Object.fromEntries(
      Object.keys(value)
        .sort()
        .map((key) => [key, sortKeys((value as Record<string, unknown>)[key])]),
    ) as T;
  }
  return value;
}

export function buildOpenApiDocument(app: INestApplication): OpenAPIObject {
  const config = new DocumentBuilder()
    .setTitle('Gatehouse')
    .setDescription(
      'Identity, organizations and API keys. Errors are RFC 9457 problem+json with a stable `code`.',
    )
    .setVersion('1')
    .addBearerAuth({ type: 'http', scheme: 'bearer', bearerFormat: 'JWT' }, 'bearer')
    .addApiKey({ type: 'apiKey', in: 'header', name: 'X-API-Key' }, 'apiKey')
    .build();
  // Routes Fastify serves without a controller describe themselves.
  const nativeRoutes = [verifyRouteDocs(), whoamiRouteDocs()];
  const document = SwaggerModule.createDocument(app, config, {
    operationIdFactory: operationId,
    extraModels: nativeRoutes.flatMap((route) => route.models),
  });
  for (const route of nativeRoutes) document.paths[route.path] = route.item;
  return sortKeys(document);
}

export function setupDocs(app: INestApplication): void {
  SwaggerModule.setup('docs', app, () => buildOpenApiDocument(app), {
    jsonDocumentUrl: 'docs-json',
    yamlDocumentUrl: 'docs-yaml',
  });
}
