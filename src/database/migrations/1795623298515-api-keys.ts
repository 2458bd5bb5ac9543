import { MigrationInterface, QueryRunner } from 'typeorm';

export class ApiKeys1795623298515 implements MigrationInterface {
  name = 'ApiKeys1795623298515';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      'CREATE TABLE "api_keys" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "organization_id" uuid NOT NULL, "name" character varying(100) NOT NULL, "prefix" character varying(16) NOT NULL, "key_digest" bytea NOT NULL, "scopes" jsonb NOT NULL DEFAULT \'[]\', "created_by" uuid, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "last_used_at" TIMESTAMP WITH TIME ZONE, "expires_at" TIMESTAMP WITH TIME ZONE, "revoked_at" TIMESTAMP WITH TIME ZONE, "rotated_from_id" uuid, "grace_ends_at" TIMESTAMP WITH TIME ZONE, CONSTRAINT "PK_5c8a79801b44bd27b79228e1dad" PRIMARY KEY ("id"))',
    );
    await queryRunner.query(
      'CREATE UNIQUE INDEX "UQ_api_keys_digest" ON "api_keys"  ("key_digest") ',
    );
    await queryRunner.query(
      'CREATE INDEX "IDX_api_keys_updated_at" ON "api_keys"  ("updated_at") ',
    );
    await queryRunner.query(
      'CREATE INDEX "IDX_api_keys_organization" ON "api_keys"  ("organization_id", "created_at") ',
    );
    await queryRunner.query(
      'CREATE TABLE "api_key_usage" ("api_key_id" uuid NOT NULL, "day" date NOT NULL, "organization_id" uuid NOT NULL, "requests" bigint NOT NULL DEFAULT \'0\', CONSTRAINT "PK_1a84cd867112f7a393227cf046b" PRIMARY KEY ("api_key_id", "day"))',
    );
    await queryRunner.query(
      'CREATE INDEX "IDX_api_key_usage_org_day" ON "api_key_usage"  ("organization_id", "day") ',
    );
    await queryRunner.query(
      'ALTER TABLE "api_keys" ADD CONSTRAINT "FK_a283bdef18876e525aefaec042f" FOREIGN KEY ("organization_id") REFERENCES "organizations"("id") ON DELETE CASCADE ON UPDATE NO ACTION',
    );
    await queryRunner.query(
      'ALTER TABLE "api_key_usage" ADD CONSTRAINT "FK_1e44ab7f2ed8caa36d11395827c" FOREIGN KEY ("api_key_id") REFERENCES "api_keys"("id") ON DELETE CASCADE ON UPDATE NO ACTION',
    );
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      'ALTER TABLE "api_key_usage" DROP CONSTRAINT "FK_1e44ab7f2ed8caa36d11395827c"',
    );
    await queryRunner.query(
      'ALTER TABLE "api_keys" DROP CONSTRAINT "FK_a283bdef18876e525aefaec042f"',
    );
    await queryRunner.query('DROP INDEX "public"."IDX_api_key_usage_org_day"');
    await queryRunner.query('DROP TABLE "api_key_usage"');
    await queryRunner.query('DROP INDEX "public"."IDX_api_keys_organization"');
    await queryRunner.query('DROP INDEX "public"."IDX_api_keys_updated_at"');
    await queryRunner.query('DROP INDEX "public"."UQ_api_keys_digest"');
    await queryRunner.query('DROP TABLE "api_keys"');
  }
}
