import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { EntityManager, Repository } from 'typeorm';
import { OutboxMessage } from './outbox-message.entity';

/** A message taken for sending; its lease keeps other workers off it meanwhile. */
export interface ClaimedMessage {
  id: string;
  toAddress: string;
  subject: string;
  template: string;
  textBody: string | null;
  htmlBody: string | null;
  /** Attempts so far, this one included. */
  attempts: number;
}

export interface NewOutboxMessage {
  toAddress: string;
  subject: string;
  template: string;
  textBody: string;
  htmlBody: string;
}

interface ClaimedRow {
  id: string;
  to_address: string;
  subject: string;
  template: string;
  text_body: string | null;
  html_body: string | null;
  attempts: number;
}

/** How long a claimed message is hidden from other claims; a send that crashed is retried after. */
export const CLAIM_LEASE_SECONDS = 60;

@Injectable()
export class OutboxRepository {
  constructor(
    @InjectRepository(OutboxMessage) private readonly messages: Repository<OutboxMessage>,
  ) {}

  /** Queues a message in the caller's transaction, so it exists only if that commits. */
  async add(manager: EntityManager, message: NewOutboxMessage): Promise<void> {
    await manager.getRepository(OutboxMessage).insert(message);
  }

  /**
   * Takes up to `limit` due messages in one statement, pushing their next attempt past the
   * lease; SKIP LOCKED lets several instances claim at once without sharing a message.
   */
  async claimDue(limit: number): Promise<ClaimedMessage[]> {
    // An UPDATE through query() resolves to [rows, affected].
    const [rows] = await this.messages.query<[ClaimedRow[], number]>(
      `UPDATE outbox_messages
          SET attempts = attempts + 1,
              next_attempt_at = now() + make_interval(secs => $2)
        WHERE id IN (
              SELECT id FROM outbox_messages
               WHERE status = 'pending' AND next_attempt_at <= now()
               ORDER BY next_attempt_at
               LIMIT $1
                 FOR UPDATE SKIP LOCKED)
    RETURNING id, to_address, subject, template, text_body, html_body, attempts`,
      [limit, CLAIM_LEASE_SECONDS],
    );
    return rows.map((row) => ({
      id: row.id,
      toAddress: row.to_address,
      subject: row.subject,
      template: row.template,
      textBody: row.text_body,
      htmlBody: row.html_body,
      attempts: row.attempts,
    }));
  }

  /** Records the delivery and erases the bodies: the links in them must not outlive it. */
  async markSent(id: string): Promise<void> {
    await this.messages.query(
      `UPDATE outbox_messages
          SET status = 'sent', sent_at = now(), text_body = NULL, html_body = NULL
        WHERE id = $1 AND status = 'pending'`,
      [id],
    );
  }

  async markRetry(id: string, nextAttemptAt: Date, error: string): Promise<void> {
    await this.messages.query(
      `UPDATE outbox_messages SET next_attempt_at = $2, last_error = $3
        WHERE id = $1 AND status = 'pending'`,
      [id, nextAttemptAt, error],
    );
  }

  /** Gives up on a message; its bodies are erased like a sent one's. */
  async markFailed(id: string, error: string): Promise<void> {
    await this.messages.query(
      `UPDATE outbox_messages
          SET status = 'failed', last_error = $2, text_body = NULL, html_body = NULL
        WHERE id = $1 AND status = 'pending'`,
      [id, error],
    );
  }
}
