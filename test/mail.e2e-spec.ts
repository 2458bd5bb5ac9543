import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Logger } from '@nestjs/common';
import { simpleParser } from 'mailparser';
import { AppModule } from '../src/app.module';
import { AppConfig } from '../src/config/app-config';
import { MailTemplate } from '../src/mail/mail-templates';
import { MailModule } from '../src/mail/mail.module';
import { MailService } from '../src/mail/mail.service';
import { OutboxMessage } from '../src/mail/outbox-message.entity';
import { MAX_ATTEMPTS, OutboxWorker } from '../src/mail/outbox.worker';
import { startSmtpServer, TestSmtpServer } from './support/smtp-server';
import { startTestApp, TestApp } from './support/test-app';
import { createTestDatabase, testDatabaseServerUrl } from './support/test-database';

/** The application's modules plus MailModule (Nest ignores the duplicate once AppModule has it). */
function withMail(config: AppConfig) {
  const root = AppModule.forRoot({ config, role: 'service' });
  return { ...root, imports: [...(root.imports ?? []), MailModule] };
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** An SMTP URL nobody listens on. */
async function closedSmtpUrl(): Promise<string> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return `smtp://127.0.0.1:${port}`;
}

function verifyEmail(token: string): MailTemplate {
  return {
    template: 'verify_email',
    params: { name: 'Alice <b>', link: `http://gatehouse.test/verify-email?token=${token}` },
  };
}

async function enqueue(t: TestApp, to: string, message: MailTemplate): Promise<void> {
  const mail = t.app.get(MailService);
  await t.dataSource.transaction((manager) => mail.enqueue(manager, to, message));
}

function outboxRow(t: TestApp, toAddress: string): Promise<OutboxMessage> {
  return t.dataSource.getRepository(OutboxMessage).findOneByOrFail({ toAddress });
}

describe('mail over SMTP', () => {
  let smtp: TestSmtpServer;
  let t: TestApp;

  beforeAll(async () => {
    smtp = await startSmtpServer();
    t = await startTestApp({ env: { SMTP_URL: smtp.url }, rootModule: withMail });
  });
  afterAll(async () => {
    await t.close();
    await smtp.close();
  });

  it('sends a message queued in a transaction, then erases its bodies', async () => {
    await enqueue(t, 'alice@example.com', verifyEmail('tok-123'));

    const mail = await smtp.waitFor((m) => m.to === 'alice@example.com');
    expect(mail.subject).toBe('Verify your email address');
    expect(smtp.linkIn(mail, '/verify-email')).toBe(
      'http://gatehouse.test/verify-email?token=tok-123',
    );
    expect(smtp.tokenIn(mail, '/verify-email')).toBe('tok-123');
    expect(mail.text).toContain('Hi Alice <b>,');
    expect(mail.html).toContain('href="http://gatehouse.test/verify-email?token=tok-123"');
    expect(mail.html).toContain('Hi Alice &lt;b&gt;,');

    await t.app.get(OutboxWorker).drain();
    const row = await outboxRow(t, 'alice@example.com');
    expect(row).toMatchObject({
      status: 'sent',
      template: 'verify_email',
      attempts: 1,
      textBody: null,
      htmlBody: null,
    });
    expect(row.sentAt).toBeInstanceOf(Date);
  });

  it('never sends a message whose transaction rolled back', async () => {
    const mail = t.app.get(MailService);
    await expect(
      t.dataSource.transaction(async (manager) => {
        await mail.enqueue(manager, 'rolled-back@example.com', verifyEmail('gone'));
        throw new Error('rollback');
      }),
    ).rejects.toThrow('rollback');
    // A later message arrives, and by then the worker has woken and polled more than once.
    await enqueue(t, 'after@example.com', verifyEmail('after'));
    await smtp.waitFor((m) => m.to === 'after@example.com');
    await sleep(700);
    await t.app.get(OutboxWorker).drain();

    expect(smtp.messages.map((m) => m.to)).not.toContain('rolled-back@example.com');
    const rows = await t.dataSource
      .getRepository(OutboxMessage)
      .countBy({ toAddress: 'rolled-back@example.com' });
    expect(rows).toBe(0);
  });
});

describe('mail without SMTP_URL', () => {
  let t: TestApp;
  beforeAll(async () => (t = await startTestApp({ rootModule: withMail })));
  afterAll(() => t.close());

  it('writes each message as an .eml file under DATA_DIR/outbox and logs no body', async () => {
    const log = jest.spyOn(Logger.prototype, 'log');
    try {
      await enqueue(t, 'bob@example.com', {
        template: 'reset_password',
        params: { name: 'Bob', link: 'http://gatehouse.test/reset-password?token=secret-456' },
      });
      await t.app.get(OutboxWorker).drain();

      const dir = join(t.dataDir, 'outbox');
      const files = readdirSync(dir).filter((name) => name.endsWith('.eml'));
      expect(files).toHaveLength(1);
      const file = join(dir, files[0]);
      expect(statSync(file).mode & 0o777).toBe(0o600);
      const parsed = await simpleParser(readFileSync(file));
      expect(parsed.subject).toBe('Reset your password');
      expect(parsed.text).toContain('http://gatehouse.test/reset-password?token=secret-456');
      expect(parsed.html).toContain('reset-password?token=secret-456');

      const lines = log.mock.calls.map((args) => String(args[0]));
      const line = lines.find((text) => text.includes(file));
      expect(line).toContain('bob@example.com');
      expect(line).toContain('Reset your password');
      expect(lines.join('\n')).not.toContain('secret-456');
    } finally {
      log.mockRestore();
    }

    const row = await outboxRow(t, 'bob@example.com');
    expect(row).toMatchObject({ status: 'sent', textBody: null, htmlBody: null });
    expect(row.sentAt).toBeInstanceOf(Date);
  });
});

describe('mail when SMTP is unavailable, and after a restart', () => {
  const serverUrl = testDatabaseServerUrl();
  let dataDir: string;
  let database: { url: string; drop(): Promise<void> } | undefined;
  let smtp: TestSmtpServer;
  let first: TestApp;
  let firstClosed = false;

  /** Both instances share one database: a PostgreSQL one, or PGlite files under DATA_DIR. */
  const start = (smtpUrl: string) =>
    startTestApp({
      dataDir,
      databaseUrl: database?.url,
      // An empty DATABASE_URL is dropped by loadConfig: embedded PGlite under DATA_DIR.
      env: { SMTP_URL: smtpUrl, ...(database ? {} : { DATABASE_URL: '' }) },
      rootModule: withMail,
    });

  beforeAll(async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'gatehouse-mail-'));
    database = serverUrl ? await createTestDatabase(serverUrl) : undefined;
    smtp = await startSmtpServer();
    first = await start(await closedSmtpUrl());
  });
  afterAll(async () => {
    if (!firstClosed) await first.close();
    await smtp.close();
    await database?.drop();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('keeps the message pending, with the error and a later retry', async () => {
    await enqueue(first, 'carol@example.com', verifyEmail('tok-789'));
    await first.app.get(OutboxWorker).drain();

    const row = await outboxRow(first, 'carol@example.com');
    expect(row.status).toBe('pending');
    expect(row.attempts).toBeGreaterThanOrEqual(1);
    expect(row.lastError).toEqual(expect.any(String));
    expect(row.lastError).not.toContain('tok-789');
    expect(row.nextAttemptAt.getTime()).toBeGreaterThan(Date.now());
    expect(row.textBody).toContain('tok-789');
    expect(row.htmlBody).toContain('tok-789');
    expect(row.sentAt).toBeNull();
  });

  it('gives up after the last attempt and erases the bodies', async () => {
    await first.dataSource.getRepository(OutboxMessage).insert({
      toAddress: 'erin@example.com',
      subject: 'Reset your password',
      template: 'reset_password',
      textBody: 'http://gatehouse.test/reset-password?token=last-chance',
      htmlBody: '<a href="http://gatehouse.test/reset-password?token=last-chance">Reset</a>',
      attempts: MAX_ATTEMPTS - 1,
    });
    await first.app.get(OutboxWorker).drain();

    const row = await outboxRow(first, 'erin@example.com');
    expect(row).toMatchObject({
      status: 'failed',
      attempts: MAX_ATTEMPTS,
      textBody: null,
      htmlBody: null,
      sentAt: null,
    });
    expect(row.lastError).toMatch(/ECONNREFUSED/);
  });

  it('delivers queued messages once another instance can reach SMTP', async () => {
    await first.dataSource.getRepository(OutboxMessage).insert({
      toAddress: 'dave@example.com',
      subject: 'Verify your email address',
      template: 'verify_email',
      textBody: 'http://gatehouse.test/verify-email?token=survivor',
      htmlBody: '<a href="http://gatehouse.test/verify-email?token=survivor">Verify</a>',
    });
    await first.app.get(OutboxWorker).drain();
    expect((await outboxRow(first, 'dave@example.com')).status).toBe('pending');
    await first.close();
    firstClosed = true;

    const second = await start(smtp.url);
    try {
      // Each failed attempt's backoff (5 s) runs out, then the new instance sends.
      const [carol, dave] = await Promise.all([
        smtp.waitFor((m) => m.to === 'carol@example.com', 15_000),
        smtp.waitFor((m) => m.to === 'dave@example.com', 15_000),
      ]);
      expect(smtp.tokenIn(carol, '/verify-email')).toBe('tok-789');
      expect(smtp.tokenIn(dave, '/verify-email')).toBe('survivor');
      await second.app.get(OutboxWorker).drain();
      for (const to of ['carol@example.com', 'dave@example.com']) {
        const row = await outboxRow(second, to);
        expect(row).toMatchObject({ status: 'sent', attempts: 2, textBody: null, htmlBody: null });
      }
    } finally {
      await second.close();
    }
  });
});
