import { SwaggerDocumentOptions } from '@nestjs/swagger';
import type { PathItemObject } from '@nestjs/swagger/dist/interfaces/open-api-spec.interface';

/**
 * The OpenAPI entry of a route Fastify serves without a controller (so Nest's document
 * builder never sees it): its path item and the models its schemas refer to.
 */
export interface NativeRouteDocs {
  path: string;
  item: PathItemObject;
  models: SwaggerDocumentOptions['extraModels'] & object;
}
