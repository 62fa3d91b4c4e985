import { MigrationInterface, QueryRunner } from 'typeorm';
import { schemaOf } from './schema-of';

/**
 * The trail map's state beside the Merkle log (issue #14, item 5: complete receipts). Created empty,
 * with no progress row: on a database whose log already has leaves the trails cover none of them,
 * so checkpoints carry no trail map until the API's start-up catches the trails up from the event
 * store (catchUpTrails); a fresh log keeps them from its first leaf. SQLite's schema follows the
 * entities, and the same catch-up fills it.
 */
export class TrailMap1765870000000 implements MigrationInterface {
  name = 'TrailMap1765870000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    const schema = schemaOf(queryRunner);
    const table = (name: string) => `"${schema}"."${name}"`;
    await queryRunner.query(`CREATE TABLE ${table('merkle_trail_heads')} ("giftId" character varying(100) NOT NULL, "length" bigint NOT NULL, "hash" character varying(64) NOT NULL, "mapLeafHash" character varying(64) NOT NULL, CONSTRAINT "PK_merkle_trail_heads" PRIMARY KEY ("giftId"))`);
    await queryRunner.query(
      `CREATE TABLE ${table('merkle_trail_events')} ("giftId" character varying(100) NOT NULL, "length" bigint NOT NULL, "leafIndex" bigint NOT NULL, "hash" character varying(64) NOT NULL, CONSTRAINT "PK_merkle_trail_events" PRIMARY KEY ("giftId", "length"))`,
    );
    await queryRunner.query(`CREATE INDEX "IDX_merkle_trail_events_leaf" ON ${table('merkle_trail_events')} ("leafIndex")`);
    await queryRunner.query(`CREATE TABLE ${table('merkle_trail_policy_gifts')} ("policyId" character varying(100) NOT NULL, "giftId" character varying(100) NOT NULL, CONSTRAINT "PK_merkle_trail_policy_gifts" PRIMARY KEY ("policyId", "giftId"))`);
    await queryRunner.query(`CREATE TABLE ${table('merkle_trail_progress')} ("id" integer NOT NULL, "size" bigint NOT NULL, CONSTRAINT "PK_merkle_trail_progress" PRIMARY KEY ("id"))`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    const schema = schemaOf(queryRunner);
    for (const name of ['merkle_trail_progress', 'merkle_trail_policy_gifts', 'merkle_trail_events', 'merkle_trail_heads']) await queryRunner.query(`DROP TABLE "${schema}"."${name}"`);
  }
}
