import { MigrationInterface, QueryRunner } from 'typeorm';
import { schemaOf } from './schema-of';

/** Disaster declarations and their payouts (written from the entities, then reviewed). */
export class CreateDisasterDeclarations1765500000000 implements MigrationInterface {
  name = 'CreateDisasterDeclarations1765500000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    const schema = schemaOf(queryRunner);
    await queryRunner.query(
      `CREATE TABLE "${schema}"."disaster_declarations" ("declarationId" character varying(64) NOT NULL, "declaredBy" character varying(12) NOT NULL, "peril" character varying(16) NOT NULL, "regionCodes" text NOT NULL, "incidentFrom" character varying(32) NOT NULL, "incidentTo" character varying(32) NOT NULL, "severity" integer NOT NULL, "authorityReference" character varying(100) NOT NULL, "declaredAt" character varying(32) NOT NULL, "answers" text NOT NULL, "policiesPaid" integer NOT NULL DEFAULT 0, "amountPaid" bigint NOT NULL DEFAULT 0, "currency" character varying(3), CONSTRAINT "PK_disaster_declarations" PRIMARY KEY ("declarationId"))`,
    );
    await queryRunner.query(`CREATE INDEX "IDX_disaster_declarations_newest" ON "${schema}"."disaster_declarations" ("declaredAt", "declarationId")`);
    await queryRunner.query(
      `CREATE TABLE "${schema}"."disaster_payouts" ("declarationId" character varying(64) NOT NULL, "policyId" character varying(64) NOT NULL, "householdId" character varying(64) NOT NULL, "insurerId" character varying(64) NOT NULL, "claimId" character varying(64) NOT NULL, "amount" bigint NOT NULL DEFAULT 0, "currency" character varying(3) NOT NULL, "payoutReference" character varying(200) NOT NULL, "batchNumber" integer NOT NULL, "paidAt" character varying(32) NOT NULL, CONSTRAINT "PK_disaster_payouts" PRIMARY KEY ("declarationId", "policyId"))`,
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    const schema = schemaOf(queryRunner);
    await queryRunner.query(`DROP TABLE "${schema}"."disaster_payouts"`);
    await queryRunner.query(`DROP TABLE "${schema}"."disaster_declarations"`);
  }
}
