import { MigrationInterface, QueryRunner } from 'typeorm';
import { schemaOf } from '@pangolin/read-models';

/** Logins created with an Idempotency-Key keep the request's fingerprint. */
export class AddAccountCreationFingerprint1764000000002 implements MigrationInterface {
  name = 'AddAccountCreationFingerprint1764000000002';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE "${schemaOf(queryRunner)}"."user_accounts" ADD "creationFingerprint" character varying(64)`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE "${schemaOf(queryRunner)}"."user_accounts" DROP COLUMN "creationFingerprint"`);
  }
}
