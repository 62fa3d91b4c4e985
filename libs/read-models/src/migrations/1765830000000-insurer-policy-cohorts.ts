import { MigrationInterface, QueryRunner } from 'typeorm';
import { schemaOf } from './schema-of';

/** The cohorts of the issued policies as the catalogue holds them (SQLite's are filled at open). */
export function policyCohortsFromPolicies(cohorts: string, policies: string): string {
  return (
    `INSERT INTO ${cohorts} ("insurerId", "currency", "premium", "startDate", "termDays", "cancellationEffectiveDate", "policies", "unearnedPremiumReturned") ` +
    `SELECT "insurerId", "currency", "premium", "startDate", "termDays", COALESCE("cancellationEffectiveDate", ''), COUNT(*), SUM("unearnedPremiumReturned") ` +
    `FROM ${policies} WHERE "issuedAt" IS NOT NULL ` +
    `GROUP BY "insurerId", "currency", "premium", "startDate", "termDays", COALESCE("cancellationEffectiveDate", '')`
  );
}

/**
 * An insurer's issued policies by cohort (issue #12): its dashboard's earned premium read every
 * policy it issued (27 ms at 10,000 policies, growing with them); it now reads one row per cohort.
 */
export class InsurerPolicyCohorts1765830000000 implements MigrationInterface {
  name = 'InsurerPolicyCohorts1765830000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    const schema = schemaOf(queryRunner);
    await queryRunner.query(
      `CREATE TABLE "${schema}"."insurer_policy_cohorts" ("insurerId" character varying(64) NOT NULL, "currency" character varying(3) NOT NULL, "premium" bigint NOT NULL, "startDate" character varying(32) NOT NULL, "termDays" integer NOT NULL, "cancellationEffectiveDate" character varying(32) NOT NULL, "policies" integer NOT NULL DEFAULT 0, "unearnedPremiumReturned" bigint NOT NULL DEFAULT '0', CONSTRAINT "PK_insurer_policy_cohorts" PRIMARY KEY ("insurerId", "currency", "premium", "startDate", "termDays", "cancellationEffectiveDate"))`,
    );
    await queryRunner.query(policyCohortsFromPolicies(`"${schema}"."insurer_policy_cohorts"`, `"${schema}"."catalogue_policies"`));
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE "${schemaOf(queryRunner)}"."insurer_policy_cohorts"`);
  }
}
