import { MigrationInterface, QueryRunner } from 'typeorm';
import { schemaOf } from './schema-of';

/**
 * Which event each Merkle leaf is, and the signed checkpoints (generated from the entities, then
 * reviewed). The log's size is now the number of its leaves, so the separate head row goes.
 */
export class CreateTransparencyRecords1764200000000 implements MigrationInterface {
  name = 'CreateTransparencyRecords1764200000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    const schema = schemaOf(queryRunner);
    await queryRunner.query(`DROP TABLE "${schema}"."merkle_log_head"`);
    await queryRunner.query(`ALTER TABLE "${schema}"."merkle_subtree_hashes" ADD "eventId" character varying(100)`);
    await queryRunner.query(`ALTER TABLE "${schema}"."merkle_subtree_hashes" ADD CONSTRAINT "UQ_merkle_subtree_hashes_eventId" UNIQUE ("eventId")`);
    await queryRunner.query(`CREATE TABLE "${schema}"."signed_checkpoints" ("size" bigint NOT NULL, "rootHash" character varying(64) NOT NULL, "note" text NOT NULL, "signedAt" character varying(32) NOT NULL, CONSTRAINT "PK_signed_checkpoints" PRIMARY KEY ("size"))`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    const schema = schemaOf(queryRunner);
    await queryRunner.query(`DROP TABLE "${schema}"."signed_checkpoints"`);
    await queryRunner.query(`ALTER TABLE "${schema}"."merkle_subtree_hashes" DROP CONSTRAINT "UQ_merkle_subtree_hashes_eventId"`);
    await queryRunner.query(`ALTER TABLE "${schema}"."merkle_subtree_hashes" DROP COLUMN "eventId"`);
    await queryRunner.query(`CREATE TABLE "${schema}"."merkle_log_head" ("id" integer NOT NULL, "size" bigint NOT NULL, CONSTRAINT "PK_7f049b6caf5aea1ac98d0d0e3e3" PRIMARY KEY ("id"))`);
    await queryRunner.query(`INSERT INTO "${schema}"."merkle_log_head" ("id", "size") SELECT 1, COUNT(*) FROM "${schema}"."merkle_subtree_hashes" WHERE "level" = 0`);
  }
}
