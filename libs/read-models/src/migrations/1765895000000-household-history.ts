import { MigrationInterface, QueryRunner } from 'typeorm';
import { schemaOf } from './schema-of';

/** Each household's history for its page (issue #15), filled by the household-history projection from the log. */
export class HouseholdHistory1765895000000 implements MigrationInterface {
  name = 'HouseholdHistory1765895000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    const schema = schemaOf(queryRunner);
    await queryRunner.query(
      `CREATE TABLE "${schema}"."household_history" ("householdId" character varying(64) NOT NULL, "position" bigint NOT NULL, "type" character varying(64) NOT NULL, "eventId" character varying(64) NOT NULL, "occurredAt" character varying(32) NOT NULL, "detail" text NOT NULL, CONSTRAINT "PK_household_history" PRIMARY KEY ("householdId", "position"))`,
    );
    await queryRunner.query(`CREATE TABLE "${schema}"."household_history_policies" ("policyId" character varying(64) NOT NULL, "householdId" character varying(64) NOT NULL, CONSTRAINT "PK_household_history_policies" PRIMARY KEY ("policyId"))`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    const schema = schemaOf(queryRunner);
    await queryRunner.query(`DROP TABLE "${schema}"."household_history_policies"`);
    await queryRunner.query(`DROP TABLE "${schema}"."household_history"`);
  }
}
