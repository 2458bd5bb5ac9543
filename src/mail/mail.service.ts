import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { MailTemplate, renderMail } from './mail-templates';
import { OutboxRepository } from './outbox.repository';
import { OutboxWorker } from './outbox.worker';

/** Long enough for the caller's transaction to commit before the worker looks. */
const WAKE_DELAY_MS = 100;

@Injectable()
export class MailService {
  constructor(
    private readonly outbox: OutboxRepository,
    private readonly worker: OutboxWorker,
  ) {}

  /**
   * Queues a message through `manager`, so it is sent only if the caller's transaction
   * commits; sending happens later, in the background, never during the request.
   */
  async enqueue(manager: EntityManager, to: string, message: MailTemplate): Promise<void> {
    const rendered = renderMail(message);
    await this.outbox.add(manager, {
      toAddress: to,
      subject: rendered.subject,
      template: message.template,
      textBody: rendered.text,
      htmlBody: rendered.html,
    });
    // Not awaited: on PGlite a query from another connection would wait for this transaction.
    this.worker.wake(WAKE_DELAY_MS);
  }
}
