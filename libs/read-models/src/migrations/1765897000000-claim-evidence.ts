import { MigrationInterface, QueryRunner } from 'typeorm';
import { schemaOf } from './schema-of';

/** A claim's evidence as filed (issue #15): the listed items and the uploaded files' names, hashes, types and sizes. */
export class ClaimEvidence1765897000000 implements MigrationInterface {
  name = 'ClaimEvidence1765897000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    const schema = schemaOf(queryRunner);
    await queryRunner.query(`ALTER TABLE "${schema}"."catalogue_claims" ADD "evidence" text`);
    await queryRunner.query(`ALTER TABLE "${schema}"."catalogue_claims" ADD "evidenceFiles" text`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    const schema = schemaOf(queryRunner);
    await queryRunner.query(`ALTER TABLE "${schema}"."catalogue_claims" DROP COLUMN "evidenceFiles"`);
    await queryRunner.query(`ALTER TABLE "${schema}"."catalogue_claims" DROP COLUMN "evidence"`);
  }
}
