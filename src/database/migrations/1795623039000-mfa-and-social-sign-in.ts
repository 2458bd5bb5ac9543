import { MigrationInterface, QueryRunner } from 'typeorm';

export class MfaAndSocialSignIn1795623039000 implements MigrationInterface {
  name = 'MfaAndSocialSignIn1795623039000';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      'CREATE TABLE "mfa_login_tokens" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "user_id" uuid NOT NULL, "token_digest" bytea NOT NULL, "remember_me" boolean NOT NULL DEFAULT false, "method" character varying(80) NOT NULL, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "expires_at" TIMESTAMP WITH TIME ZONE NOT NULL, "consumed_at" TIMESTAMP WITH TIME ZONE, CONSTRAINT "PK_8eb42f6539ed93ed502e8b1057b" PRIMARY KEY ("id"))',
    );
    await queryRunner.query(
      'CREATE UNIQUE INDEX "UQ_mfa_login_tokens_digest" ON "mfa_login_tokens"  ("token_digest") ',
    );
    await queryRunner.query(
      'CREATE INDEX "IDX_mfa_login_tokens_user" ON "mfa_login_tokens"  ("user_id") ',
    );
    await queryRunner.query(
      'CREATE TABLE "mfa_recovery_codes" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "user_id" uuid NOT NULL, "code_digest" bytea NOT NULL, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "used_at" TIMESTAMP WITH TIME ZONE, CONSTRAINT "PK_0076416b1b84361afc3371ba121" PRIMARY KEY ("id"))',
    );
    await queryRunner.query(
      'CREATE UNIQUE INDEX "UQ_mfa_recovery_codes_user_digest" ON "mfa_recovery_codes"  ("user_id", "code_digest") ',
    );
    await queryRunner.query(
      'CREATE TABLE "user_mfa" ("user_id" uuid NOT NULL, "secret_sealed" text, "pending_secret_sealed" text, "enabled_at" TIMESTAMP WITH TIME ZONE, "last_used_step" integer, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "PK_a3db12d521d7b1f7d17c71e465a" PRIMARY KEY ("user_id"))',
    );
    await queryRunner.query(
      'CREATE TABLE "oauth_exchange_codes" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "user_id" uuid NOT NULL, "code_digest" bytea NOT NULL, "provider" character varying(64) NOT NULL, "remember_me" boolean NOT NULL DEFAULT false, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "expires_at" TIMESTAMP WITH TIME ZONE NOT NULL, "consumed_at" TIMESTAMP WITH TIME ZONE, CONSTRAINT "PK_2b677c32a85365fb35083ab47e5" PRIMARY KEY ("id"))',
    );
    await queryRunner.query(
      'CREATE UNIQUE INDEX "UQ_oauth_exchange_codes_digest" ON "oauth_exchange_codes"  ("code_digest") ',
    );
    await queryRunner.query(
      'CREATE INDEX "IDX_oauth_exchange_codes_user" ON "oauth_exchange_codes"  ("user_id") ',
    );
    await queryRunner.query(
      'CREATE TABLE "user_identities" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "provider" character varying(64) NOT NULL, "subject" character varying(255) NOT NULL, "user_id" uuid NOT NULL, "email" character varying(254), "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "PK_e23bff04e9c3e7b785e442b262c" PRIMARY KEY ("id"))',
    );
    await queryRunner.query(
      'CREATE INDEX "IDX_user_identities_user" ON "user_identities"  ("user_id") ',
    );
    await queryRunner.query(
      'CREATE UNIQUE INDEX "UQ_user_identities_provider_subject" ON "user_identities"  ("provider", "subject") ',
    );
    await queryRunner.query(
      'ALTER TABLE "mfa_login_tokens" ADD CONSTRAINT "FK_5d30654cf663e3adb3bab466a17" FOREIGN KEY ("user_id") REFERENCES "users"("id") ON DELETE CASCADE ON UPDATE NO ACTION',
    );
    await queryRunner.query(
      'ALTER TABLE "mfa_recovery_codes" ADD CONSTRAINT "FK_23aa6c5fdecdd98508fd4456acf" FOREIGN KEY ("user_id") REFERENCES "users"("id") ON DELETE CASCADE ON UPDATE NO ACTION',
    );
    await queryRunner.query(
      'ALTER TABLE "user_mfa" ADD CONSTRAINT "FK_a3db12d521d7b1f7d17c71e465a" FOREIGN KEY ("user_id") REFERENCES "users"("id") ON DELETE CASCADE ON UPDATE NO ACTION',
    );
    await queryRunner.query(
      'ALTER TABLE "oauth_exchange_codes" ADD CONSTRAINT "FK_c63ed5bb378e3fe14940b6dc1e3" FOREIGN KEY ("user_id") REFERENCES "users"("id") ON DELETE CASCADE ON UPDATE NO ACTION',
    );
    await queryRunner.query(
      'ALTER TABLE "user_identities" ADD CONSTRAINT "FK_bf5fe01eb8cad7114b4c371cdc7" FOREIGN KEY ("user_id") REFERENCES "users"("id") ON DELETE CASCADE ON UPDATE NO ACTION',
    );
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      'ALTER TABLE "user_identities" DROP CONSTRAINT "FK_bf5fe01eb8cad7114b4c371cdc7"',
    );
    await queryRunner.query(
      'ALTER TABLE "oauth_exchange_codes" DROP CONSTRAINT "FK_c63ed5bb378e3fe14940b6dc1e3"',
    );
    await queryRunner.query(
      'ALTER TABLE "user_mfa" DROP CONSTRAINT "FK_a3db12d521d7b1f7d17c71e465a"',
    );
    await queryRunner.query(
      'ALTER TABLE "mfa_recovery_codes" DROP CONSTRAINT "FK_23aa6c5fdecdd98508fd4456acf"',
    );
    await queryRunner.query(
      'ALTER TABLE "mfa_login_tokens" DROP CONSTRAINT "FK_5d30654cf663e3adb3bab466a17"',
    );
    await queryRunner.query('DROP INDEX "public"."UQ_user_identities_provider_subject"');
    await queryRunner.query('DROP INDEX "public"."IDX_user_identities_user"');
    await queryRunner.query('DROP TABLE "user_identities"');
    await queryRunner.query('DROP INDEX "public"."IDX_oauth_exchange_codes_user"');
    await queryRunner.query('DROP INDEX "public"."UQ_oauth_exchange_codes_digest"');
    await queryRunner.query('DROP TABLE "oauth_exchange_codes"');
    await queryRunner.query('DROP TABLE "user_mfa"');
    await queryRunner.query('DROP INDEX "public"."UQ_mfa_recovery_codes_user_digest"');
    await queryRunner.query('DROP TABLE "mfa_recovery_codes"');
    await queryRunner.query('DROP INDEX "public"."IDX_mfa_login_tokens_user"');
    await queryRunner.query('DROP INDEX "public"."UQ_mfa_login_tokens_digest"');
    await queryRunner.query('DROP TABLE "mfa_login_tokens"');
  }
}
