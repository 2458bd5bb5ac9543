import { ApiKeyPrincipal } from './principal';

/**
 * How the global guard checks an API key (implemented by the api-keys module): the key is
 * live, has `scope` (unless `true`), and its organization's quota allows one more request,
 * which is then counted. Throws the AppException to answer with (401, 403, 429).
 */
export abstract class ApiKeyCredentials {
  abstract authenticate(key: string, scope: true | string): Promise<ApiKeyPrincipal>;
}
