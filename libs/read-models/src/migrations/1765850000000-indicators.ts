import { MigrationInterface, QueryRunner } from 'typeorm';
import { schemaOf } from './schema-of';

/**
 * The indicators projection's tables (issue #13, items 3 and 5: settlement promptness and the
 * monthly indicators). Created empty: the projection is new, so it has no checkpoint and catches
 * up from the start of the log (SQLite's schema follows the entities; nothing to backfill either).
 */
export class Indicators1765850000000 implements MigrationInterface {
  name = 'Indicators1765850000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    const schema = schemaOf(queryRunner);
    const table = (name: string) => `"${schema}"."${name}"`;
    await queryRunner.query(`CREATE TABLE ${table('indicator_products')} ("productId" character varying(64) NOT NULL, "insurerId" character varying(64) NOT NULL, "targetDays" integer NOT NULL, CONSTRAINT "PK_indicator_products" PRIMARY KEY ("productId"))`);
    await queryRunner.query(`CREATE TABLE ${table('indicator_households')} ("householdId" character varying(64) NOT NULL, "villageCode" character varying(12) NOT NULL, "eligible" boolean NOT NULL DEFAULT false, CONSTRAINT "PK_indicator_households" PRIMARY KEY ("householdId"))`);
    await queryRunner.query(
      `CREATE TABLE ${table('indicator_policies')} ("policyId" character varying(64) NOT NULL, "householdId" character varying(64) NOT NULL, "productId" character varying(64) NOT NULL, "insurerId" character varying(64) NOT NULL, "villageCode" character varying(12) NOT NULL, "currency" character varying(3) NOT NULL, "premium" bigint NOT NULL DEFAULT 0, "termDays" integer NOT NULL, "status" character varying(16) NOT NULL, "startDate" character varying(32), "endDate" character varying(32), "cancellationEffectiveDate" character varying(32), "renewed" boolean NOT NULL DEFAULT false, CONSTRAINT "PK_indicator_policies" PRIMARY KEY ("policyId"))`,
    );
    await queryRunner.query(`CREATE INDEX "IDX_indicator_policies_household" ON ${table('indicator_policies')} ("householdId")`);
    await queryRunner.query(
      `CREATE TABLE ${table('promptness_claims')} ("claimId" character varying(64) NOT NULL, "policyId" character varying(64) NOT NULL, "insurerId" character varying(64) NOT NULL, "productId" character varying(64) NOT NULL, "villageCode" character varying(12) NOT NULL, "currency" character varying(3) NOT NULL, "declarationId" character varying(64), "startedAt" character varying(32) NOT NULL, "targetDays" integer NOT NULL, "dueAt" character varying(32) NOT NULL, "decidedAt" character varying(32), "paidAt" character varying(32), "settledAt" character varying(32), "state" character varying(16) NOT NULL, "outcome" character varying(8) NOT NULL, CONSTRAINT "PK_promptness_claims" PRIMARY KEY ("claimId"))`,
    );
    await queryRunner.query(`CREATE INDEX "IDX_promptness_claims_insurer_due" ON ${table('promptness_claims')} ("insurerId", "outcome", "dueAt", "claimId")`);
    await queryRunner.query(`CREATE INDEX "IDX_promptness_claims_insurer_order" ON ${table('promptness_claims')} ("insurerId", "dueAt", "claimId")`);
    await queryRunner.query(`CREATE INDEX "IDX_promptness_claims_village_due" ON ${table('promptness_claims')} ("villageCode", "dueAt", "claimId")`);
    await queryRunner.query(
      `CREATE TABLE ${table('promptness_declarations')} ("declarationId" character varying(64) NOT NULL, "declaredBy" character varying(12) NOT NULL, "declaredAt" character varying(32) NOT NULL, "targetDays" integer NOT NULL, "dueAt" character varying(32) NOT NULL, "confirmedAt" character varying(32), "decidedAt" character varying(32), "paidAt" character varying(32), "settledAt" character varying(32), "outcome" character varying(8) NOT NULL, CONSTRAINT "PK_promptness_declarations" PRIMARY KEY ("declarationId"))`,
    );
    await queryRunner.query(`CREATE INDEX "IDX_promptness_declarations_region" ON ${table('promptness_declarations')} ("declaredBy", "dueAt", "declarationId")`);
    await queryRunner.query(
      `CREATE TABLE ${table('indicator_months')} ("villageCode" character varying(12) NOT NULL, "productId" character varying(64) NOT NULL, "month" character varying(7) NOT NULL, "currency" character varying(3) NOT NULL, "insurerId" character varying(64) NOT NULL, "earnedPremium" bigint NOT NULL DEFAULT 0, "claimsApproved" bigint NOT NULL DEFAULT 0, "claimsPaid" bigint NOT NULL DEFAULT 0, "policiesExpired" integer NOT NULL DEFAULT 0, "policiesRenewed" integer NOT NULL DEFAULT 0, "claimsSettled" integer NOT NULL DEFAULT 0, "claimsSettledOnTime" integer NOT NULL DEFAULT 0, "decisions" integer NOT NULL DEFAULT 0, "decisionSeconds" bigint NOT NULL DEFAULT 0, "payments" integer NOT NULL DEFAULT 0, "paymentSeconds" bigint NOT NULL DEFAULT 0, CONSTRAINT "PK_indicator_months" PRIMARY KEY ("villageCode", "productId", "month", "currency"))`,
    );
    await queryRunner.query(`CREATE INDEX "IDX_indicator_months_insurer" ON ${table('indicator_months')} ("insurerId", "month")`);
    await queryRunner.query(
      `CREATE TABLE ${table('coverage_months')} ("villageCode" character varying(12) NOT NULL, "insurerId" character varying(64) NOT NULL, "month" character varying(7) NOT NULL, "eligible" integer NOT NULL DEFAULT 0, "covered" integer NOT NULL DEFAULT 0, CONSTRAINT "PK_coverage_months" PRIMARY KEY ("villageCode", "insurerId", "month"))`,
    );
    await queryRunner.query(`CREATE INDEX "IDX_coverage_months_insurer" ON ${table('coverage_months')} ("insurerId", "villageCode", "month")`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    const schema = schemaOf(queryRunner);
    for (const name of ['coverage_months', 'indicator_months', 'promptness_declarations', 'promptness_claims', 'indicator_policies', 'indicator_households', 'indicator_products']) await queryRunner.query(`DROP TABLE "${schema}"."${name}"`);
  }
}
