import { MigrationInterface, QueryRunner } from 'typeorm';

export class Profiles1795623048232 implements MigrationInterface {
  name = 'Profiles1795623048232';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      'CREATE TABLE "profiles" ("user_id" uuid NOT NULL, "timezone" character varying(64) NOT NULL DEFAULT \'UTC\', "locale" character varying(64) NOT NULL DEFAULT \'en\', "notify_email_security" boolean NOT NULL DEFAULT true, "notify_email_product" boolean NOT NULL DEFAULT true, "notify_email_marketing" boolean NOT NULL DEFAULT false, "preferences" jsonb NOT NULL DEFAULT \'{}\', "avatar_key" character varying(512), "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "CHK_profiles_preferences_object" CHECK (jsonb_typeof("preferences") = \'object\'), CONSTRAINT "PK_9e432b7df0d182f8d292902d1a2" PRIMARY KEY ("user_id"))',
    );
    await queryRunner.query(
      'ALTER TABLE "profiles" ADD CONSTRAINT "FK_9e432b7df0d182f8d292902d1a2" FOREIGN KEY ("user_id") REFERENCES "users"("id") ON DELETE CASCADE ON UPDATE NO ACTION',
    );
    // Users created before this migration get their default profile too.
    await queryRunner.query(
      'INSERT INTO "profiles" ("user_id") SELECT "id" FROM "users" ON CONFLICT DO NOTHING',
    );
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      'ALTER TABLE "profiles" DROP CONSTRAINT "FK_9e432b7df0d182f8d292902d1a2"',
    );
    await queryRunner.query('DROP TABLE "profiles"');
  }
}
