import { MigrationInterface, QueryRunner } from 'typeorm';
import { schemaOf } from './schema-of';

/** The inclusion promises that answered money commands (issue #14), kept beside the signed checkpoints. */
export class InclusionPromises1765860000000 implements MigrationInterface {
  name = 'InclusionPromises1765860000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    const schema = schemaOf(queryRunner);
    await queryRunner.query(
      `CREATE TABLE "${schema}"."inclusion_promises" ("id" character varying(64) NOT NULL, "firstLeaf" bigint NOT NULL, "lastLeaf" bigint NOT NULL, "issuedAt" character varying(32) NOT NULL, "deadline" character varying(32) NOT NULL, "note" text NOT NULL, CONSTRAINT "PK_inclusion_promises" PRIMARY KEY ("id"))`,
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    const schema = schemaOf(queryRunner);
    await queryRunner.query(`DROP TABLE "${schema}"."inclusion_promises"`);
  }
}
