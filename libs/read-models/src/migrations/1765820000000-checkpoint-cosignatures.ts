import { MigrationInterface, QueryRunner } from 'typeorm';
import { schemaOf } from './schema-of';

/** Witnesses' cosignatures of the signed checkpoints (issue #14), kept beside them. */
export class CheckpointCosignatures1765820000000 implements MigrationInterface {
  name = 'CheckpointCosignatures1765820000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    const schema = schemaOf(queryRunner);
    await queryRunner.query(
      `CREATE TABLE "${schema}"."checkpoint_cosignatures" ("size" bigint NOT NULL, "witness" character varying(300) NOT NULL, "cosignature" text NOT NULL, "cosignedAt" character varying(32) NOT NULL, CONSTRAINT "PK_checkpoint_cosignatures" PRIMARY KEY ("size", "witness"))`,
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    const schema = schemaOf(queryRunner);
    await queryRunner.query(`DROP TABLE "${schema}"."checkpoint_cosignatures"`);
  }
}
