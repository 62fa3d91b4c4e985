import { MigrationInterface, QueryRunner } from 'typeorm';
import { schemaOf } from './schema-of';

/** Counts of a read database's projected households per village (the projection keeps them from then on); SQLite's is filled by the same statement at open. */
export function villageCountsFromHouseholds(counts: string, households: string): string {
  return (
    `INSERT INTO ${counts} ("villageCode", "registered", "eligible", "covered", "eligibleCovered") ` +
    `SELECT "villageCode", COUNT(*), SUM(CASE WHEN "eligible" THEN 1 ELSE 0 END), SUM(CASE WHEN "activePolicies" > 0 THEN 1 ELSE 0 END), ` +
    `SUM(CASE WHEN "eligible" AND "activePolicies" > 0 THEN 1 ELSE 0 END) FROM ${households} GROUP BY "villageCode"`
  );
}

/** Which postings name each gift, from the postings' lists of gifts (JSON text); SQLite's is filled at open. */
export function postingGiftsFromPostings(postingGifts: string, postings: string, engine: 'postgres' | 'sqlite'): string {
  const gifts = engine === 'postgres' ? `json_array_elements_text(p."giftIds"::json) AS g(value)` : `json_each(p."giftIds") AS g`;
  return `INSERT INTO ${postingGifts} ("giftId", "position", "postingId") SELECT DISTINCT g.value, p."position", p."postingId" FROM ${postings} p CROSS JOIN ${gifts}`;
}

/** The ledger's total per currency, from its entries (the projection keeps it from then on); SQLite's is filled at open. */
export function ledgerTotalsFromEntries(totals: string, entries: string): string {
  return `INSERT INTO ${totals} ("currency", "total") SELECT "currency", SUM("amount") FROM ${entries} GROUP BY "currency"`;
}

/**
 * Indexes for the lists' keyset pages (issue #12): each list's filter columns, then its sort key,
 * so a page is an index range read that stops after `limit + 1` rows. Each replaces the one-column
 * index it starts with. And tables that projections keep so a read counts or searches nothing:
 * the government dashboard's household counts per village, which postings move each gift's money,
 * and the ledger's total per currency. (SQLite builds the same from the entities, and fills the tables at open.)
 */
export class IndexListOrders1765000000000 implements MigrationInterface {
  name = 'IndexListOrders1765000000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    const schema = schemaOf(queryRunner);
    await queryRunner.query(`DROP INDEX "${schema}"."IDX_0354e391e7b877b6c1b0757909"`);
    await queryRunner.query(`CREATE INDEX "IDX_households_village_code" ON "${schema}"."households" ("villageCode", "householdCode")`);
    await queryRunner.query(`CREATE INDEX "IDX_households_allocation_order" ON "${schema}"."households" ("verifiedPosition", "householdCode")`);
    await queryRunner.query(`DROP INDEX "${schema}"."IDX_f1011707aa32a0ce9f47cd6dfa"`);
    await queryRunner.query(`CREATE INDEX "IDX_donor_gifts_newest" ON "${schema}"."donor_gifts" ("donorId", "pledgedAt", "giftId")`);
    await queryRunner.query(`DROP INDEX "${schema}"."IDX_80bcab1146658443bd94830e71"`);
    await queryRunner.query(`CREATE INDEX "IDX_gift_allocations_order" ON "${schema}"."donor_gift_allocations" ("giftId", "allocatedAt", "allocationId")`);
    await queryRunner.query(`DROP INDEX "${schema}"."IDX_d164437e4b2ca436310bb87cb4"`);
    await queryRunner.query(`CREATE INDEX "IDX_gift_refunds_order" ON "${schema}"."donor_gift_refunds" ("giftId", "at", "eventId")`);
    await queryRunner.query(`DROP INDEX "${schema}"."IDX_261126885363d8efe5545b2d41"`);
    await queryRunner.query(`CREATE INDEX "IDX_policies_insurer_newest" ON "${schema}"."catalogue_policies" ("insurerId", "requestedAt", "policyId")`);
    await queryRunner.query(`CREATE INDEX "IDX_policies_insurer_status" ON "${schema}"."catalogue_policies" ("insurerId", "status", "requestedAt", "policyId")`);
    await queryRunner.query(`CREATE INDEX "IDX_policies_insurer_number" ON "${schema}"."catalogue_policies" ("insurerId", "policyNumber")`);
    await queryRunner.query(`DROP INDEX "${schema}"."IDX_883ad6b5604466ea185758f4bb"`);
    await queryRunner.query(`CREATE INDEX "IDX_claims_insurer_oldest" ON "${schema}"."catalogue_claims" ("insurerId", "filedAt", "claimId")`);
    await queryRunner.query(`CREATE INDEX "IDX_claims_insurer_state" ON "${schema}"."catalogue_claims" ("insurerId", "state", "filedAt", "claimId")`);
    await queryRunner.query(`DROP INDEX "${schema}"."IDX_3ceb515216e78783a13c803687"`);
    await queryRunner.query(`CREATE INDEX "IDX_ledger_entries_balances" ON "${schema}"."ledger_entries" ("account", "currency", "amount")`);
    await queryRunner.query(
      `CREATE TABLE "${schema}"."dashboard_village_counts" ("villageCode" character varying(12) NOT NULL, "registered" integer NOT NULL DEFAULT 0, "eligible" integer NOT NULL DEFAULT 0, "covered" integer NOT NULL DEFAULT 0, "eligibleCovered" integer NOT NULL DEFAULT 0, CONSTRAINT "PK_dashboard_village_counts" PRIMARY KEY ("villageCode"))`,
    );
    await queryRunner.query(villageCountsFromHouseholds(`"${schema}"."dashboard_village_counts"`, `"${schema}"."dashboard_households"`));
    await queryRunner.query(
      `CREATE TABLE "${schema}"."ledger_posting_gifts" ("giftId" character varying(64) NOT NULL, "position" bigint NOT NULL, "postingId" character varying(100) NOT NULL, CONSTRAINT "PK_ledger_posting_gifts" PRIMARY KEY ("giftId", "position", "postingId"))`,
    );
    await queryRunner.query(postingGiftsFromPostings(`"${schema}"."ledger_posting_gifts"`, `"${schema}"."ledger_postings"`, 'postgres'));
    await queryRunner.query(`CREATE TABLE "${schema}"."ledger_totals" ("currency" character varying(3) NOT NULL, "total" bigint NOT NULL DEFAULT '0', CONSTRAINT "PK_ledger_totals" PRIMARY KEY ("currency"))`);
    await queryRunner.query(ledgerTotalsFromEntries(`"${schema}"."ledger_totals"`, `"${schema}"."ledger_entries"`));
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    const schema = schemaOf(queryRunner);
    await queryRunner.query(`DROP TABLE "${schema}"."ledger_totals"`);
    await queryRunner.query(`DROP TABLE "${schema}"."ledger_posting_gifts"`);
    await queryRunner.query(`DROP TABLE "${schema}"."dashboard_village_counts"`);
    await queryRunner.query(`DROP INDEX "${schema}"."IDX_ledger_entries_balances"`);
    await queryRunner.query(`DROP INDEX "${schema}"."IDX_claims_insurer_state"`);
    await queryRunner.query(`DROP INDEX "${schema}"."IDX_claims_insurer_oldest"`);
    await queryRunner.query(`DROP INDEX "${schema}"."IDX_policies_insurer_number"`);
    await queryRunner.query(`DROP INDEX "${schema}"."IDX_policies_insurer_status"`);
    await queryRunner.query(`DROP INDEX "${schema}"."IDX_policies_insurer_newest"`);
    await queryRunner.query(`DROP INDEX "${schema}"."IDX_gift_refunds_order"`);
    await queryRunner.query(`DROP INDEX "${schema}"."IDX_gift_allocations_order"`);
    await queryRunner.query(`DROP INDEX "${schema}"."IDX_donor_gifts_newest"`);
    await queryRunner.query(`DROP INDEX "${schema}"."IDX_households_allocation_order"`);
    await queryRunner.query(`DROP INDEX "${schema}"."IDX_households_village_code"`);
    await queryRunner.query(`CREATE INDEX "IDX_0354e391e7b877b6c1b0757909" ON "${schema}"."households" ("villageCode")`);
    await queryRunner.query(`CREATE INDEX "IDX_f1011707aa32a0ce9f47cd6dfa" ON "${schema}"."donor_gifts" ("donorId")`);
    await queryRunner.query(`CREATE INDEX "IDX_80bcab1146658443bd94830e71" ON "${schema}"."donor_gift_allocations" ("giftId")`);
    await queryRunner.query(`CREATE INDEX "IDX_d164437e4b2ca436310bb87cb4" ON "${schema}"."donor_gift_refunds" ("giftId")`);
    await queryRunner.query(`CREATE INDEX "IDX_261126885363d8efe5545b2d41" ON "${schema}"."catalogue_policies" ("insurerId")`);
    await queryRunner.query(`CREATE INDEX "IDX_883ad6b5604466ea185758f4bb" ON "${schema}"."catalogue_claims" ("insurerId")`);
    await queryRunner.query(`CREATE INDEX "IDX_3ceb515216e78783a13c803687" ON "${schema}"."ledger_entries" ("account")`);
  }
}
