import { MigrationInterface, QueryRunner } from 'typeorm';
import { schemaOf } from './schema-of';

/** The dashboard's claims, from the catalogue's claims and the dashboard's households (the projection keeps them from then on); SQLite's are filled at open. */
export function dashboardClaimsFromClaims(dashboardClaims: string, claims: string, households: string): string {
  return (
    `INSERT INTO ${dashboardClaims} ("claimId", "villageCode", "state", "currency", "amount") ` +
    `SELECT c."claimId", h."villageCode", c."state", c."currency", ` +
    `CASE WHEN c."state" = 'paid' THEN COALESCE(c."paidAmount", 0) WHEN c."state" = 'approved' THEN COALESCE(c."approvedAmount", 0) ELSE c."amountClaimed" END ` +
    `FROM ${claims} c INNER JOIN ${households} h ON h."householdId" = c."householdId"`
  );
}

/** Each village's claims per state and currency, from the dashboard's claims. */
export function villageClaimsFromDashboardClaims(villageClaims: string, dashboardClaims: string): string {
  return (
    `INSERT INTO ${villageClaims} ("villageCode", "state", "currency", "count", "amount") ` +
    `SELECT "villageCode", "state", "currency", COUNT(*), SUM("amount") FROM ${dashboardClaims} GROUP BY "villageCode", "state", "currency"`
  );
}

/**
 * Claims by state per village, kept by the government-dashboard projection (issue #12), so that a
 * dashboard adds up a few rows per village instead of joining and summing every claim of its region.
 */
export class DashboardClaims1765100000000 implements MigrationInterface {
  name = 'DashboardClaims1765100000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    const schema = schemaOf(queryRunner);
    await queryRunner.query(
      `CREATE TABLE "${schema}"."dashboard_claims" ("claimId" character varying(64) NOT NULL, "villageCode" character varying(12) NOT NULL, "state" character varying(16) NOT NULL, "currency" character varying(3) NOT NULL, "amount" bigint NOT NULL DEFAULT '0', CONSTRAINT "PK_dashboard_claims" PRIMARY KEY ("claimId"))`,
    );
    await queryRunner.query(
      `CREATE TABLE "${schema}"."dashboard_village_claims" ("villageCode" character varying(12) NOT NULL, "state" character varying(16) NOT NULL, "currency" character varying(3) NOT NULL, "count" integer NOT NULL DEFAULT 0, "amount" bigint NOT NULL DEFAULT '0', CONSTRAINT "PK_dashboard_village_claims" PRIMARY KEY ("villageCode", "state", "currency"))`,
    );
    await queryRunner.query(dashboardClaimsFromClaims(`"${schema}"."dashboard_claims"`, `"${schema}"."catalogue_claims"`, `"${schema}"."dashboard_households"`));
    await queryRunner.query(villageClaimsFromDashboardClaims(`"${schema}"."dashboard_village_claims"`, `"${schema}"."dashboard_claims"`));
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    const schema = schemaOf(queryRunner);
    await queryRunner.query(`DROP TABLE "${schema}"."dashboard_village_claims"`);
    await queryRunner.query(`DROP TABLE "${schema}"."dashboard_claims"`);
  }
}
