import { ExecutionContext, Type } from '@nestjs/common';

type Handler = ReturnType<ExecutionContext['getHandler']>;

/**
 * A value worked out from a route's metadata once per controller and handler (metadata never
 * changes after start), so guards do not walk the reflector on every request. Keyed by both:
 * a handler inherited by two controllers may carry different class-level metadata in each.
 */
export class PerRoute<T> {
  private readonly values = new Map<Type, Map<Handler, T>>();

  constructor(private readonly compute: (handler: Handler, controller: Type) => T) {}

  of(context: ExecutionContext): T {
    const controller = context.getClass();
    const handler = context.getHandler();
    let byHandler = this.values.get(controller);
    if (!byHandler) this.values.set(controller, (byHandler = new Map<Handler, T>()));
    if (byHandler.has(handler)) return byHandler.get(handler) as T;
    const value = this.compute(handler, controller);
    byHandler.set(handler, value);
    return value;
  }
}
