import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The revocation poll is the only reader of `sessions.revoked_at`, and always for revoked rows.
 * A full index let the planner, on statistics from when the table was small, answer
 * `revoked_at IS NULL` from it, reading every live session on each refresh.
 */
export class PartialSessionRevokedIndex1795642933837 implements MigrationInterface {
  name = 'PartialSessionRevokedIndex1795642933837';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('DROP INDEX "public"."IDX_sessions_revoked_at"');
    await queryRunner.query(
      'CREATE INDEX "IDX_sessions_revoked_at" ON "sessions" ("revoked_at") WHERE "revoked_at" IS NOT NULL',
    );
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('DROP INDEX "public"."IDX_sessions_revoked_at"');
    await queryRunner.query('CREATE INDEX "IDX_sessions_revoked_at" ON "sessions" ("revoked_at") ');
  }
}
