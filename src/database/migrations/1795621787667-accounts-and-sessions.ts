import { MigrationInterface, QueryRunner } from 'typeorm';

export class AccountsAndSessions1795621787667 implements MigrationInterface {
  name = 'AccountsAndSessions1795621787667';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      'CREATE TABLE "audit_events" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "action" character varying(64) NOT NULL, "actor_type" character varying(16) NOT NULL, "actor_id" uuid, "organization_id" uuid, "target_type" character varying(32), "target_id" character varying(64), "ip" character varying(64), "user_agent" character varying(512), "metadata" jsonb NOT NULL DEFAULT \'{}\'::jsonb, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "PK_910f64d901a5c3e9878f0d4a407" PRIMARY KEY ("id"))',
    );
    await queryRunner.query(
      'CREATE INDEX "IDX_audit_events_created" ON "audit_events"  ("created_at") ',
    );
    await queryRunner.query(
      'CREATE INDEX "IDX_audit_events_actor_created" ON "audit_events"  ("actor_id", "created_at") ',
    );
    await queryRunner.query(
      'CREATE INDEX "IDX_audit_events_org_created" ON "audit_events"  ("organization_id", "created_at") ',
    );
    await queryRunner.query(
      'CREATE TABLE "users" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "email" character varying(254) NOT NULL, "username" character varying(30) NOT NULL, "name" character varying(100) NOT NULL, "password_hash" character varying(255), "email_verified_at" TIMESTAMP WITH TIME ZONE, "is_active" boolean NOT NULL DEFAULT true, "is_superuser" boolean NOT NULL DEFAULT false, "phone" character varying(32), "active_organization_id" uuid, "last_login_at" TIMESTAMP WITH TIME ZONE, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "PK_a3ffb1c0c8416b9fc6f907b7433" PRIMARY KEY ("id"))',
    );
    await queryRunner.query('CREATE UNIQUE INDEX "UQ_users_email" ON "users"  ("email") ');
    await queryRunner.query('CREATE UNIQUE INDEX "UQ_users_username" ON "users"  ("username") ');
    await queryRunner.query(
      'CREATE TABLE "email_tokens" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "user_id" uuid NOT NULL, "purpose" character varying(32) NOT NULL, "token_digest" bytea NOT NULL, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "expires_at" TIMESTAMP WITH TIME ZONE NOT NULL, "consumed_at" TIMESTAMP WITH TIME ZONE, CONSTRAINT "PK_08abb3fa348e894c274a6730d35" PRIMARY KEY ("id"))',
    );
    await queryRunner.query(
      'CREATE UNIQUE INDEX "UQ_email_tokens_digest" ON "email_tokens"  ("token_digest") ',
    );
    await queryRunner.query(
      'CREATE INDEX "IDX_email_tokens_user_purpose" ON "email_tokens"  ("user_id", "purpose") ',
    );
    await queryRunner.query(
      'CREATE TABLE "sessions" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "user_id" uuid NOT NULL, "remember_me" boolean NOT NULL DEFAULT false, "user_agent" character varying(512), "ip" character varying(64), "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "last_used_at" TIMESTAMP WITH TIME ZONE NOT NULL, "expires_at" TIMESTAMP WITH TIME ZONE NOT NULL, "revoked_at" TIMESTAMP WITH TIME ZONE, "revoked_reason" character varying(32), CONSTRAINT "PK_3238ef96f18b355b671619111bc" PRIMARY KEY ("id"))',
    );
    await queryRunner.query(
      'CREATE INDEX "IDX_sessions_revoked_at" ON "sessions"  ("revoked_at") ',
    );
    await queryRunner.query('CREATE INDEX "IDX_sessions_user" ON "sessions"  ("user_id") ');
    await queryRunner.query(
      'CREATE TABLE "refresh_tokens" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "session_id" uuid NOT NULL, "token_digest" bytea NOT NULL, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "expires_at" TIMESTAMP WITH TIME ZONE NOT NULL, "spent_at" TIMESTAMP WITH TIME ZONE, CONSTRAINT "PK_7d8bee0204106019488c4c50ffa" PRIMARY KEY ("id"))',
    );
    await queryRunner.query(
      'CREATE UNIQUE INDEX "UQ_refresh_tokens_digest" ON "refresh_tokens"  ("token_digest") ',
    );
    await queryRunner.query(
      'CREATE INDEX "IDX_refresh_tokens_session" ON "refresh_tokens"  ("session_id") ',
    );
    await queryRunner.query(
      'CREATE TABLE "signing_keys" ("id" character varying(64) NOT NULL, "algorithm" character varying(16) NOT NULL, "public_jwk" jsonb NOT NULL, "private_key_encrypted" text NOT NULL, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "retired_at" TIMESTAMP WITH TIME ZONE, CONSTRAINT "PK_ab7d78cf6e61dc3904133b4cd55" PRIMARY KEY ("id"))',
    );
    await queryRunner.query(
      'CREATE TABLE "outbox_messages" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "to_address" character varying(320) NOT NULL, "subject" character varying(255) NOT NULL, "template" character varying(64) NOT NULL, "text_body" text, "html_body" text, "status" character varying(16) NOT NULL DEFAULT \'pending\', "attempts" integer NOT NULL DEFAULT \'0\', "next_attempt_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "last_error" character varying(500), "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "sent_at" TIMESTAMP WITH TIME ZONE, CONSTRAINT "PK_0171348f527c64b137e4d4f5b66" PRIMARY KEY ("id"))',
    );
    await queryRunner.query(
      'CREATE INDEX "IDX_outbox_due" ON "outbox_messages"  ("status", "next_attempt_at") ',
    );
    await queryRunner.query(
      'ALTER TABLE "email_tokens" ADD CONSTRAINT "FK_018295f41628791c301bfe8b625" FOREIGN KEY ("user_id") REFERENCES "users"("id") ON DELETE CASCADE ON UPDATE NO ACTION',
    );
    await queryRunner.query(
      'ALTER TABLE "sessions" ADD CONSTRAINT "FK_085d540d9f418cfbdc7bd55bb19" FOREIGN KEY ("user_id") REFERENCES "users"("id") ON DELETE CASCADE ON UPDATE NO ACTION',
    );
    await queryRunner.query(
      'ALTER TABLE "refresh_tokens" ADD CONSTRAINT "FK_3bf308fa93da3966f9e76fcfba4" FOREIGN KEY ("session_id") REFERENCES "sessions"("id") ON DELETE CASCADE ON UPDATE NO ACTION',
    );
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      'ALTER TABLE "refresh_tokens" DROP CONSTRAINT "FK_3bf308fa93da3966f9e76fcfba4"',
    );
    await queryRunner.query(
      'ALTER TABLE "sessions" DROP CONSTRAINT "FK_085d540d9f418cfbdc7bd55bb19"',
    );
    await queryRunner.query(
      'ALTER TABLE "email_tokens" DROP CONSTRAINT "FK_018295f41628791c301bfe8b625"',
    );
    await queryRunner.query('DROP INDEX "public"."IDX_outbox_due"');
    await queryRunner.query('DROP TABLE "outbox_messages"');
    await queryRunner.query('DROP TABLE "signing_keys"');
    await queryRunner.query('DROP INDEX "public"."IDX_refresh_tokens_session"');
    await queryRunner.query('DROP INDEX "public"."UQ_refresh_tokens_digest"');
    await queryRunner.query('DROP TABLE "refresh_tokens"');
    await queryRunner.query('DROP INDEX "public"."IDX_sessions_user"');
    await queryRunner.query('DROP INDEX "public"."IDX_sessions_revoked_at"');
    await queryRunner.query('DROP TABLE "sessions"');
    await queryRunner.query('DROP INDEX "public"."IDX_email_tokens_user_purpose"');
    await queryRunner.query('DROP INDEX "public"."UQ_email_tokens_digest"');
    await queryRunner.query('DROP TABLE "email_tokens"');
    await queryRunner.query('DROP INDEX "public"."UQ_users_username"');
    await queryRunner.query('DROP INDEX "public"."UQ_users_email"');
    await queryRunner.query('DROP TABLE "users"');
    await queryRunner.query('DROP INDEX "public"."IDX_audit_events_org_created"');
    await queryRunner.query('DROP INDEX "public"."IDX_audit_events_actor_created"');
    await queryRunner.query('DROP INDEX "public"."IDX_audit_events_created"');
    await queryRunner.query('DROP TABLE "audit_events"');
  }
}
