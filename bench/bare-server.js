'use strict';
// The 100% baseline of `npm run bench`: the smallest NestJS + Fastify app, one GET route
// answering `{ ok: true }`. Same framework and adapter as the service, none of its work.
// Usage: PORT=3999 HOST=127.0.0.1 node bench/bare-server.js  →  GET /  →  {"ok":true}
// (and POST / with a JSON body, the reference for the service's POST scenarios)
require('reflect-metadata');
const { Body, Controller, Get, HttpCode, Module, Post } = require('@nestjs/common');
const { NestFactory } = require('@nestjs/core');
const { FastifyAdapter } = require('@nestjs/platform-fastify');

// Plain JavaScript, so the decorators are applied by hand.
class BareController {
  ok() {
    return { ok: true };
  }

  /** A reference for the POST scenarios: what a JSON body costs before any work on it. */
  echo(body) {
    return { ok: true, length: JSON.stringify(body ?? null).length };
  }
}
Reflect.decorate(
  [Get()],
  BareController.prototype,
  'ok',
  Object.getOwnPropertyDescriptor(BareController.prototype, 'ok'),
);
Reflect.decorate(
  [Post(), HttpCode(200)],
  BareController.prototype,
  'echo',
  Object.getOwnPropertyDescriptor(BareController.prototype, 'echo'),
);
Body()(BareController.prototype, 'echo', 0);
Reflect.decorate([Controller()], BareController);

class BareModule {}
Reflect.decorate([Module({ controllers: [BareController] })], BareModule);

async function main() {
  const app = await NestFactory.create(BareModule, new FastifyAdapter(), { logger: false });
  await app.listen({
    port: Number(process.env.PORT ?? 3999),
    host: process.env.HOST ?? '127.0.0.1',
  });
  const stop = () => app.close().then(() => process.exit(0));
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
}

main().catch((error) => {
  process.stderr.write(`bare server failed: ${error?.stack ?? error}\n`);
  process.exit(1);
});
