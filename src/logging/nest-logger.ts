import { Inject, Injectable, LoggerService } from '@nestjs/common';
import { Level } from 'pino';
import { ROOT_LOGGER, RootLogger } from './root-logger';

/**
 * Nest's logger interface over pino. Nest calls `error(message, stack?, context?)` and the
 * others `(message, context?)`; a first argument that is an object is logged as fields.
 */
@Injectable()
export class NestPinoLogger implements LoggerService {
  constructor(@Inject(ROOT_LOGGER) private readonly root: RootLogger) {}

  fatal(message: unknown, ...params: unknown[]): void {
    this.write('fatal', message, params);
  }

  error(message: unknown, ...params: unknown[]): void {
    this.write('error', message, params);
  }

  warn(message: unknown, ...params: unknown[]): void {
    this.write('warn', message, params);
  }

  log(message: unknown, ...params: unknown[]): void {
    this.write('info', message, params);
  }

  debug(message: unknown, ...params: unknown[]): void {
    this.write('debug', message, params);
  }

  verbose(message: unknown, ...params: unknown[]): void {
    this.write('trace', message, params);
  }

  private write(level: Level, message: unknown, params: unknown[]): void {
    if (!this.root.isLevelEnabled(level)) return;
    const rest = [...params];
    // Nest's Logger appends its context as the last argument.
    const context = rest.length > 0 && typeof rest.at(-1) === 'string' ? rest.pop() : undefined;
    const fields: Record<string, unknown> = context === undefined ? {} : { context };
    let text: string | undefined;
    if (message instanceof Error) {
      fields.err = message;
      text = message.message;
    } else if (typeof message === 'object' && message !== null) {
      Object.assign(fields, message);
      text = typeof rest[0] === 'string' ? (rest.shift() as string) : undefined;
    } else {
      text = String(message);
    }
    // `error(message, stack)`: the stack Nest passes as a string.
    if (level === 'error' && typeof rest[0] === 'string') fields.stack = rest.shift();
    this.root[level](fields, text);
  }
}
