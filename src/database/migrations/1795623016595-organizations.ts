import { MigrationInterface, QueryRunner } from 'typeorm';

export class Organizations1795623016595 implements MigrationInterface {
  name = 'Organizations1795623016595';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      'CREATE TABLE "organizations" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "name" character varying(100) NOT NULL, "slug" character varying(50) NOT NULL, "owner_id" uuid NOT NULL, "subscription_tier" character varying(16) NOT NULL DEFAULT \'FREE\', "quota_limit" integer NOT NULL DEFAULT \'10000\', "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "CHK_organizations_subscription_tier" CHECK ("subscription_tier" IN (\'FREE\', \'PRO\', \'ENTERPRISE\')), CONSTRAINT "PK_6b031fcd0863e3f6b44230163f9" PRIMARY KEY ("id"))',
    );
    await queryRunner.query(
      'CREATE UNIQUE INDEX "UQ_organizations_slug" ON "organizations"  ("slug") ',
    );
    await queryRunner.query(
      'CREATE INDEX "IDX_organizations_owner" ON "organizations"  ("owner_id") ',
    );
    await queryRunner.query(
      'CREATE TABLE "organization_invitations" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "organization_id" uuid NOT NULL, "email" character varying(254) NOT NULL, "role" character varying(16) NOT NULL, "token_digest" bytea NOT NULL, "invited_by_id" uuid, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "expires_at" TIMESTAMP WITH TIME ZONE NOT NULL, "accepted_at" TIMESTAMP WITH TIME ZONE, "declined_at" TIMESTAMP WITH TIME ZONE, "revoked_at" TIMESTAMP WITH TIME ZONE, CONSTRAINT "CHK_organization_invitations_role" CHECK ("role" IN (\'admin\', \'member\')), CONSTRAINT "PK_f172f12b8a9ee6584b661f57e24" PRIMARY KEY ("id"))',
    );
    await queryRunner.query(
      'CREATE INDEX "IDX_organization_invitations_email" ON "organization_invitations"  ("email") ',
    );
    await queryRunner.query(
      'CREATE UNIQUE INDEX "UQ_organization_invitations_open" ON "organization_invitations"  ("organization_id", "email") WHERE "accepted_at" IS NULL AND "declined_at" IS NULL AND "revoked_at" IS NULL',
    );
    await queryRunner.query(
      'CREATE UNIQUE INDEX "UQ_organization_invitations_token_digest" ON "organization_invitations"  ("token_digest") ',
    );
    await queryRunner.query(
      'CREATE TABLE "memberships" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "organization_id" uuid NOT NULL, "user_id" uuid NOT NULL, "role" character varying(16) NOT NULL, "joined_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "CHK_memberships_role" CHECK ("role" IN (\'owner\', \'admin\', \'member\')), CONSTRAINT "PK_25d28bd932097a9e90495ede7b4" PRIMARY KEY ("id"))',
    );
    await queryRunner.query('CREATE INDEX "IDX_memberships_user" ON "memberships"  ("user_id") ');
    await queryRunner.query(
      'CREATE UNIQUE INDEX "UQ_memberships_one_owner" ON "memberships"  ("organization_id") WHERE "role" = \'owner\'',
    );
    await queryRunner.query(
      'CREATE UNIQUE INDEX "UQ_memberships_organization_user" ON "memberships"  ("organization_id", "user_id") ',
    );
    await queryRunner.query(
      'ALTER TABLE "organizations" ADD CONSTRAINT "FK_e08c0b40ce104f44edf060126fe" FOREIGN KEY ("owner_id") REFERENCES "users"("id") ON DELETE RESTRICT ON UPDATE NO ACTION',
    );
    await queryRunner.query(
      'ALTER TABLE "organization_invitations" ADD CONSTRAINT "FK_7f88954e8d667a76ae3ced6f446" FOREIGN KEY ("organization_id") REFERENCES "organizations"("id") ON DELETE CASCADE ON UPDATE NO ACTION',
    );
    await queryRunner.query(
      'ALTER TABLE "organization_invitations" ADD CONSTRAINT "FK_f2adb477aa41340163bac901751" FOREIGN KEY ("invited_by_id") REFERENCES "users"("id") ON DELETE SET NULL ON UPDATE NO ACTION',
    );
    await queryRunner.query(
      'ALTER TABLE "memberships" ADD CONSTRAINT "FK_e5380c394ec7912046d07b54290" FOREIGN KEY ("organization_id") REFERENCES "organizations"("id") ON DELETE CASCADE ON UPDATE NO ACTION',
    );
    await queryRunner.query(
      'ALTER TABLE "memberships" ADD CONSTRAINT "FK_7c1e2fdfed4f6838e0c05ae5051" FOREIGN KEY ("user_id") REFERENCES "users"("id") ON DELETE CASCADE ON UPDATE NO ACTION',
    );
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      'ALTER TABLE "memberships" DROP CONSTRAINT "FK_7c1e2fdfed4f6838e0c05ae5051"',
    );
    await queryRunner.query(
      'ALTER TABLE "memberships" DROP CONSTRAINT "FK_e5380c394ec7912046d07b54290"',
    );
    await queryRunner.query(
      'ALTER TABLE "organization_invitations" DROP CONSTRAINT "FK_f2adb477aa41340163bac901751"',
    );
    await queryRunner.query(
      'ALTER TABLE "organization_invitations" DROP CONSTRAINT "FK_7f88954e8d667a76ae3ced6f446"',
    );
    await queryRunner.query(
      'ALTER TABLE "organizations" DROP CONSTRAINT "FK_e08c0b40ce104f44edf060126fe"',
    );
    await queryRunner.query('DROP INDEX "public"."UQ_memberships_organization_user"');
    await queryRunner.query('DROP INDEX "public"."UQ_memberships_one_owner"');
    await queryRunner.query('DROP INDEX "public"."IDX_memberships_user"');
    await queryRunner.query('DROP TABLE "memberships"');
    await queryRunner.query('DROP INDEX "public"."UQ_organization_invitations_token_digest"');
    await queryRunner.query('DROP INDEX "public"."UQ_organization_invitations_open"');
    await queryRunner.query('DROP INDEX "public"."IDX_organization_invitations_email"');
    await queryRunner.query('DROP TABLE "organization_invitations"');
    await queryRunner.query('DROP INDEX "public"."IDX_organizations_owner"');
    await queryRunner.query('DROP INDEX "public"."UQ_organizations_slug"');
    await queryRunner.query('DROP TABLE "organizations"');
  }
}
