import { MaybePromise } from '../maybe-promise';
import { ApiKeyPrincipal } from './principal';

/**
 * How the global guard checks an API key (implemented by the api-keys module): the key is
 * live, belongs to the route's organization (when the route has one: else 404, so a key
 * learns nothing about other organizations), has `scope` (unless `true`), and its
 * organization's quota allows one more request, which is then counted. Throws the
 * AppException to answer with (401, 403, 404, 429). The principal comes at once when every
 * part of the check is cached.
 */
export abstract class ApiKeyCredentials {
  abstract authenticate(
    key: string,
    scope: true | string,
    routeOrganizationId?: string,
  ): MaybePromise<ApiKeyPrincipal>;
}
