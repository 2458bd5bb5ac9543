import { AddressInfo } from 'node:net';
import { simpleParser } from 'mailparser';
import { SMTPServer } from 'smtp-server';

export interface ReceivedMail {
  /** The envelope recipients, comma-separated. */
  to: string;
  subject: string;
  text: string;
  html: string;
}

export interface TestSmtpServer {
  /** `smtp://127.0.0.1:PORT`, for SMTP_URL. */
  url: string;
  /** Every message received so far, oldest first. */
  messages: ReceivedMail[];
  /** Resolves with the first message (already received or still to come) matching `predicate`. */
  waitFor(predicate: (mail: ReceivedMail) => boolean, timeoutMs?: number): Promise<ReceivedMail>;
  /** The first URL in the text body containing `path`, e.g. '/verify-email'. */
  linkIn(mail: ReceivedMail, path: string): string;
  /** The `token` query parameter of that link. */
  tokenIn(mail: ReceivedMail, path: string): string;
  close(): Promise<void>;
}

/** A real SMTP server on a free local port that keeps what it receives, in plain text (no TLS). */
export async function startSmtpServer(): Promise<TestSmtpServer> {
  const messages: ReceivedMail[] = [];
  const listeners = new Set<() => void>();

  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS'],
    logger: false,
    closeTimeout: 1_000,
    onData(stream, session, callback) {
      simpleParser(stream)
        .then((parsed) => {
          messages.push({
            to: session.envelope.rcptTo.map((address) => address.address).join(', '),
            subject: parsed.subject ?? '',
            text: parsed.text ?? '',
            html: parsed.html || '',
          });
          listeners.forEach((notify) => notify());
          callback();
        })
        .catch((error: Error) => callback(error));
    },
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const { port } = server.server.address() as AddressInfo;

  const linkIn = (mail: ReceivedMail, path: string): string => {
    const link = mail.text
      .match(/https?:\/\/[^\s<>"]+/g)
      ?.map((url) => url.replace(/[.,;:!?)]+$/, ''))
      .find((url) => url.includes(path));
    if (!link) throw new Error(`No link to ${path} in mail "${mail.subject}":\n${mail.text}`);
    return link;
  };

  return {
    url: `smtp://127.0.0.1:${port}`,
    messages,
    waitFor: (predicate, timeoutMs = 10_000) =>
      new Promise<ReceivedMail>((resolve, reject) => {
        const check = (): boolean => {
          const found = messages.find(predicate);
          if (!found) return false;
          listeners.delete(onMessage);
          clearTimeout(timer);
          resolve(found);
          return true;
        };
        const onMessage = (): void => void check();
        const timer = setTimeout(() => {
          listeners.delete(onMessage);
          const seen = messages.map((m) => `${m.to}: ${m.subject}`).join('; ') || 'none';
          reject(new Error(`No matching mail within ${timeoutMs} ms (received: ${seen})`));
        }, timeoutMs);
        listeners.add(onMessage);
        check();
      }),
    linkIn,
    tokenIn: (mail, path) => {
      const token = new URL(linkIn(mail, path)).searchParams.get('token');
      if (!token) throw new Error(`The link to ${path} has no token`);
      return token;
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
