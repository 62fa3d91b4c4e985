import { MigrationInterface, QueryRunner } from 'typeorm';
import { schemaOf } from './schema-of';

/** The Merkle log over the event log: its complete-subtree hashes and its size (generated from the entities, then reviewed). */
export class CreateMerkleLog1764100000000 implements MigrationInterface {
  name = 'CreateMerkleLog1764100000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    const schema = schemaOf(queryRunner);
    await queryRunner.query(`CREATE TABLE "${schema}"."merkle_subtree_hashes" ("level" integer NOT NULL, "index" bigint NOT NULL, "hash" character varying(64) NOT NULL, CONSTRAINT "PK_a6c6fd42e4e42eb3b1d4014aea2" PRIMARY KEY ("level", "index"))`);
    await queryRunner.query(`CREATE TABLE "${schema}"."merkle_log_head" ("id" integer NOT NULL, "size" bigint NOT NULL, CONSTRAINT "PK_7f049b6caf5aea1ac98d0d0e3e3" PRIMARY KEY ("id"))`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    const schema = schemaOf(queryRunner);
    await queryRunner.query(`DROP TABLE "${schema}"."merkle_log_head"`);
    await queryRunner.query(`DROP TABLE "${schema}"."merkle_subtree_hashes"`);
  }
}
