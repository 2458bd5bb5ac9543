import 'reflect-metadata';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DynamicModule } from '@nestjs/common';
import { NestFastifyApplication } from '@nestjs/platform-fastify';
import { DataSource } from 'typeorm';
import { createApp } from '../../src/app.factory';
import { RequestValidationPipe } from '../../src/common/validation/request-validation.pipe';
import { AppConfig, loadConfig } from '../../src/config/app-config';
import { createTestDatabase, testDatabaseServerUrl } from './test-database';

export interface TestResponse<T = any> {
  status: number;
  headers: Headers;
  body: T;
  text: string;
}

export interface RequestOptions {
  body?: unknown;
  /** Raw body sent as is (with the given content type). */
  raw?: string | Buffer;
  token?: string;
  headers?: Record<string, string>;
}

export interface TestApp {
  app: NestFastifyApplication;
  config: AppConfig;
  url: string;
  dataSource: DataSource;
  dataDir: string;
  request<T = any>(
    method: string,
    path: string,
    options?: RequestOptions,
  ): Promise<TestResponse<T>>;
  close(): Promise<void>;
}

export interface TestAppOptions {
  env?: Record<string, string>;
  /** Share the database (and data dir) of another app, as a second instance would. */
  databaseUrl?: string;
  dataDir?: string;
  /** A root module other than the application's (for testing the HTTP setup itself). */
  rootModule?: (config: AppConfig) => DynamicModule;
  /** A fixed port (e.g. so APP_URL can name it); a free one by default. */
  port?: number;
}

/** Sends a request over real HTTP and parses the JSON (or problem+json) answer. */
export async function httpRequest<T = any>(
  baseUrl: string,
  method: string,
  path: string,
  options: RequestOptions = {},
): Promise<TestResponse<T>> {
  const headers: Record<string, string> = { ...options.headers };
  let body: string | Buffer | undefined;
  if (options.raw !== undefined) {
    body = options.raw;
    headers['content-type'] ??= 'application/json';
  } else if (options.body !== undefined) {
    body = JSON.stringify(options.body);
    headers['content-type'] = 'application/json';
  }
  if (options.token) headers.authorization = `Bearer ${options.token}`;
  const response = await fetch(baseUrl + path, { method, headers, body, redirect: 'manual' });
  const text = await response.text();
  let parsed: unknown = text;
  if (/json/.test(response.headers.get('content-type') ?? '') && text) parsed = JSON.parse(text);
  return { status: response.status, headers: response.headers, body: parsed as T, text };
}

/**
 * Boots the real application on a fresh database over real HTTP: by default the embedded
 * PGlite database under a new DATA_DIR, as `npm start` runs it (its cluster copied from the
 * build's template: ~0.2 s, where an in-memory one ran initdb for ~3 s), or a new PostgreSQL
 * database cloned from the migrated template when TEST_DATABASE_URL is set (with REDIS_URL,
 * shared state goes through Redis).
 */
export async function startTestApp(options: TestAppOptions = {}): Promise<TestApp> {
  const serverUrl = testDatabaseServerUrl();
  const ownDatabase =
    !options.databaseUrl && serverUrl ? await createTestDatabase(serverUrl) : undefined;
  const dataDir = options.dataDir ?? mkdtempSync(join(tmpdir(), 'gatehouse-test-'));
  const config = loadConfig({
    NODE_ENV: 'test',
    LOG_LEVEL: 'silent',
    DATA_DIR: dataDir,
    // Empty: loadConfig drops it, and the database is PGlite's files under DATA_DIR.
    DATABASE_URL: options.databaseUrl ?? ownDatabase?.url ?? '',
    APP_URL: 'http://gatehouse.test',
    REDIS_URL: process.env.REDIS_URL,
    REDIS_KEY_PREFIX: `gatehouse-test-${randomBytes(4).toString('hex')}:`,
    ...options.env,
  });
  // Every value a validation plan accepts must pass class-validator as well (the whole suite
  // is the corpus): a plan that is laxer than the decorators fails the test that reached it.
  RequestValidationPipe.crossCheck = true;
  const app = await createApp(config, options.rootModule?.(config));
  await app.listen({ port: options.port ?? 0, host: '127.0.0.1' });
  const address = app.getHttpServer().address() as { port: number };
  const url = `http://127.0.0.1:${address.port}`;
  return {
    app,
    config,
    url,
    dataDir,
    dataSource: app.get(DataSource),
    request: (method, path, requestOptions) => httpRequest(url, method, path, requestOptions),
    close: async () => {
      await app.close();
      await ownDatabase?.drop();
      if (!options.dataDir) rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
