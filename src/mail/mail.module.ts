import { Global, Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { AppConfig } from '../config/app-config';
import { MailService } from './mail.service';
import { createMailTransport, MailTransport } from './mail-transport';
import { OutboxMessage } from './outbox-message.entity';
import { OutboxRepository } from './outbox.repository';
import { OutboxWorker } from './outbox.worker';

/** Durable outgoing mail: features call `MailService.enqueue` inside their transaction. */
@Global()
@Module({
  imports: [TypeOrmModule.forFeature([OutboxMessage])],
  providers: [
    MailService,
    OutboxWorker,
    OutboxRepository,
    { provide: MailTransport, inject: [AppConfig], useFactory: createMailTransport },
  ],
  exports: [MailService],
})
export class MailModule {}
