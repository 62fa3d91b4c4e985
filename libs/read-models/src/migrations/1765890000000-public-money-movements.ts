import { MigrationInterface, QueryRunner } from 'typeorm';
import { schemaOf } from './schema-of';

/** The public feed of money movements (issue #15), filled by the money-feed projection from the log. */
export class PublicMoneyMovements1765890000000 implements MigrationInterface {
  name = 'PublicMoneyMovements1765890000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    const schema = schemaOf(queryRunner);
    await queryRunner.query(
      `CREATE TABLE "${schema}"."public_money_movements" ("postingId" character varying(100) NOT NULL, "position" bigint NOT NULL, "kind" character varying(48) NOT NULL, "amount" bigint NOT NULL DEFAULT '0', "currency" character varying(3) NOT NULL, "occurredAt" character varying(32) NOT NULL, "eventId" character varying(64) NOT NULL, CONSTRAINT "PK_public_money_movements" PRIMARY KEY ("postingId"))`,
    );
    await queryRunner.query(`CREATE INDEX "IDX_public_money_movements_feed" ON "${schema}"."public_money_movements" ("position", "postingId")`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE "${schemaOf(queryRunner)}"."public_money_movements"`);
  }
}
