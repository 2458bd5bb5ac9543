import { Global, Injectable, Module, RequestMethod } from '@nestjs/common';
import { GUARDS_METADATA, METHOD_METADATA, PATH_METADATA } from '@nestjs/common/constants';
import { DiscoveryModule, DiscoveryService, MetadataScanner, Reflector } from '@nestjs/core';
import { AUTH_REQUIREMENT, AuthRequirement } from '../auth/auth.decorator';
import { IS_PUBLIC } from '../auth/public.decorator';

export interface RouteDescription {
  method: string;
  path: string;
  controller: string;
  handler: string;
  /** `public`, or what `@Auth(...)` asks for; null when the route declares neither. */
  access: 'public' | AuthRequirement | null;
  /** Guards that run: the global AuthGuard (unless public) and any `@UseGuards`. */
  guards: string[];
  /** The least organization role the route needs, if any. */
  requiredRole: string | null;
}

function guardNames(...targets: object[]): string[] {
  return targets.flatMap((target) =>
    (
      (Reflect.getMetadata(GUARDS_METADATA, target) as Array<{ name?: string }> | undefined) ?? []
    ).map((guard) => guard.name ?? 'anonymous guard'),
  );
}

function joinPaths(...parts: Array<string | undefined>): string {
  const joined = parts
    .filter((part): part is string => Boolean(part))
    .map((part) => part.replace(/^\/+|\/+$/g, ''))
    .filter(Boolean)
    .join('/');
  return `/${joined}`;
}

/** What a route declares. */
type DeclaredRoute = Pick<
  RouteDescription,
  'method' | 'path' | 'controller' | 'handler' | 'access'
>;

/** A route's entry: the global AuthGuard (unless public) before `ownGuards`, and its org role. */
function describeRoute(route: DeclaredRoute, ownGuards: string[] = []): RouteDescription {
  const requirement = route.access === 'public' ? null : route.access;
  return {
    ...route,
    guards: [...(route.access === 'public' ? [] : ['AuthGuard']), ...ownGuards],
    requiredRole: requirement && 'org' in requirement ? String(requirement.org) : null,
  };
}

/** Every HTTP route Nest registered, read from the controllers' metadata (never a hand list). */
export function listRoutes(
  discovery: DiscoveryService,
  scanner: MetadataScanner,
  reflector: Reflector,
): RouteDescription[] {
  const routes: RouteDescription[] = [];
  for (const wrapper of discovery.getControllers()) {
    const type = wrapper.metatype as (new (...args: never[]) => unknown) | undefined;
    if (!type) continue;
    const prefixes = ([] as string[]).concat(
      (Reflect.getMetadata(PATH_METADATA, type) as string | string[] | undefined) ?? '',
    );
    const prototype = type.prototype as Record<string, unknown>;
    for (const name of scanner.getAllMethodNames(prototype)) {
      const handler = prototype[name] as object;
      const paths = Reflect.getMetadata(PATH_METADATA, handler) as string | string[] | undefined;
      if (paths === undefined) continue;
      const method = RequestMethod[Reflect.getMetadata(METHOD_METADATA, handler) as number];
      const targets = [handler as () => void, type];
      const isPublic = reflector.getAllAndOverride<boolean>(IS_PUBLIC, targets);
      const requirement = reflector.getAllAndOverride<AuthRequirement>(AUTH_REQUIREMENT, targets);
      for (const prefix of prefixes) {
        for (const path of ([] as string[]).concat(paths)) {
          routes.push(
            describeRoute(
              {
                method,
                path: joinPaths(prefix, path),
                controller: type.name,
                handler: name,
                access: isPublic ? 'public' : (requirement ?? null),
              },
              guardNames(type, handler),
            ),
          );
        }
      }
    }
  }
  return routes.sort(byPathThenMethod);
}

function byPathThenMethod(a: RouteDescription, b: RouteDescription): number {
  return a.path.localeCompare(b.path) || a.method.localeCompare(b.method);
}

@Injectable()
export class RouteInventory {
  /** Routes Fastify serves without a controller (hot paths); each declares itself here. */
  private readonly native: RouteDescription[] = [];

  constructor(
    private readonly discovery: DiscoveryService,
    private readonly scanner: MetadataScanner,
    private readonly reflector: Reflector,
  ) {}

  list(): RouteDescription[] {
    return [...listRoutes(this.discovery, this.scanner, this.reflector), ...this.native].sort(
      byPathThenMethod,
    );
  }

  /** A route Fastify serves directly, described as a controller's would be. */
  addNative(route: DeclaredRoute): void {
    this.native.push(describeRoute(route));
  }
}

/** Global: the routes Fastify serves directly add themselves to the inventory. */
@Global()
@Module({ imports: [DiscoveryModule], providers: [RouteInventory], exports: [RouteInventory] })
export class RouteInventoryModule {}
