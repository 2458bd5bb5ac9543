import { Writable } from 'node:stream';
import { Logger } from '@nestjs/common';
import { NestPinoLogger } from './nest-logger';
import { createRootLogger } from './root-logger';

/** A real pino logger writing into memory; each written line parsed back. */
function capture(level = 'info') {
  const lines: Record<string, unknown>[] = [];
  const sink = new Writable({
    write(chunk: Buffer, _encoding, done) {
      for (const line of chunk.toString().split('\n').filter(Boolean)) lines.push(JSON.parse(line));
      done();
    },
  });
  return { lines, logger: new NestPinoLogger(createRootLogger(level, sink)) };
}

describe('NestPinoLogger', () => {
  it('writes Nest calls as JSON lines with the context', () => {
    const { lines, logger } = capture();
    logger.log('ready', 'Bootstrap');
    logger.warn({ attempts: 3 }, 'slow mail', 'Mail');
    logger.error('failed', 'Error: failed\n    at x', 'Worker');
    expect(lines).toEqual([
      expect.objectContaining({ level: 30, msg: 'ready', context: 'Bootstrap' }),
      expect.objectContaining({ level: 40, msg: 'slow mail', attempts: 3, context: 'Mail' }),
      expect.objectContaining({
        level: 50,
        msg: 'failed',
        context: 'Worker',
        stack: 'Error: failed\n    at x',
      }),
    ]);
  });

  it('keeps an Error as err with its message', () => {
    const { lines, logger } = capture();
    logger.error(new Error('boom'), 'Errors');
    expect(lines[0]).toMatchObject({ msg: 'boom', context: 'Errors', err: { message: 'boom' } });
  });

  it('censors secrets in logged objects', () => {
    const { lines, logger } = capture();
    logger.warn(
      {
        password: 'p4ss',
        body: { token: 't0ken' },
        req: { headers: { authorization: 'Bearer x' } },
      },
      'm',
    );
    const text = JSON.stringify(lines);
    expect(text).not.toMatch(/p4ss|t0ken|Bearer x/);
    expect(lines[0]).toMatchObject({ password: '[redacted]', body: { token: '[redacted]' } });
  });

  it('writes nothing below the level, and routes Nest Logger instances through it', () => {
    const { lines, logger } = capture('warn');
    Logger.overrideLogger(logger);
    try {
      new Logger('Quiet').log('not written');
      new Logger('Loud').warn('written');
    } finally {
      Logger.overrideLogger(true);
    }
    expect(lines).toEqual([expect.objectContaining({ msg: 'written', context: 'Loud' })]);
  });
});
