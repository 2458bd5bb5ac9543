import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { Logger, OnApplicationShutdown } from '@nestjs/common';
import { createTransport, Transporter } from 'nodemailer';
import { AppConfig } from '../config/app-config';

export interface OutgoingMail {
  from: string;
  to: string;
  subject: string;
  text: string;
  html: string;
  /** `<id@host>`: the same on every attempt, so a receiver can spot a duplicate. */
  messageId: string;
}

/** Where outgoing mail goes: an SMTP server, or files under DATA_DIR when none is set. */
export abstract class MailTransport {
  abstract send(message: OutgoingMail): Promise<void>;
}

/** Bounds on a stuck server, so a batch (and shutdown) never waits minutes. */
const SMTP_TIMEOUTS_MS = {
  connectionTimeout: 10_000,
  greetingTimeout: 10_000,
  socketTimeout: 30_000,
};

export class SmtpMailTransport extends MailTransport implements OnApplicationShutdown {
  private readonly transporter: Transporter;

  /** `smtps://` connects over TLS; `smtp://` upgrades with STARTTLS when the server offers it. */
  constructor(smtpUrl: string) {
    super();
    this.transporter = createTransport({
      url: smtpUrl,
      pool: true,
      maxConnections: 1,
      idleTimeout: 30_000,
      ...SMTP_TIMEOUTS_MS,
    });
  }

  async send(message: OutgoingMail): Promise<void> {
    await this.transporter.sendMail(message);
  }

  onApplicationShutdown(): void {
    this.transporter.close();
  }
}

export class FileMailTransport extends MailTransport {
  private readonly logger = new Logger('Mail');
  // Same MIME output as SMTP would carry, without sending it anywhere.
  private readonly composer = createTransport({
    streamTransport: true,
    buffer: true,
    newline: 'windows',
  });

  constructor(private readonly directory: string) {
    super();
  }

  async send(message: OutgoingMail): Promise<void> {
    const info = await this.composer.sendMail(message);
    const raw = info.message;
    if (!Buffer.isBuffer(raw)) throw new Error('The mail composer did not return a buffer');
    // Colons are not allowed in file names everywhere.
    const timestamp = new Date().toISOString().replace(/[:.]/g, '-');
    const id = message.messageId.replace(/^<|@.*$/g, '').replace(/[^\w-]/g, '');
    const path = join(this.directory, `${timestamp}-${id}.eml`);
    await mkdir(this.directory, { recursive: true, mode: 0o700 });
    // The body holds single-use links: readable by this user only.
    await writeFile(path, raw, { mode: 0o600, flag: 'wx' });
    this.logger.log(`Mail to ${message.to} "${message.subject}" written to ${path}`);
  }
}

export function createMailTransport(config: AppConfig): MailTransport {
  return config.mail.smtpUrl
    ? new SmtpMailTransport(config.mail.smtpUrl)
    : new FileMailTransport(join(config.dataDir, 'outbox'));
}
