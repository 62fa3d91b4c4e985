import { MigrationInterface, QueryRunner } from 'typeorm';
import { schemaOf } from './schema-of';

const MONEY = ['pledged', 'received', 'allocated', 'paidToInsurers', 'premiumRefundsCredited', 'refunded', 'claimsPaid'];

/** Each gift once for the platform (scope '') and once more for its programme, if any. */
function scopedGifts(gifts: string): string {
  const columns = ['donorId', 'currency', ...MONEY].map((column) => `"${column}"`).join(', ');
  return `(SELECT '' AS "scope", ${columns} FROM ${gifts} UNION ALL SELECT "programmeId", ${columns} FROM ${gifts} WHERE "programmeId" IS NOT NULL)`;
}

/** The public totals per scope and currency, from the public gifts (the projection keeps them from then on); SQLite's are filled at open. */
export function publicTotalsFromGifts(totals: string, gifts: string): string {
  const paid = (value: string) => `SUM(CASE WHEN g."received" > 0 THEN ${value} ELSE 0 END)`;
  const unpaid = (value: string) => `SUM(CASE WHEN g."received" > 0 THEN 0 ELSE ${value} END)`;
  return (
    `INSERT INTO ${totals} ("scope", "currency", "gifts", ${MONEY.map((figure) => `"${figure}"`).join(', ')}, "unpaidCount", "unpaidAmount") ` +
    `SELECT g."scope", g."currency", ${paid('1')}, ${MONEY.map((figure) => paid(`g."${figure}"`)).join(', ')}, ${unpaid('1')}, ${unpaid('g."pledged"')} ` +
    `FROM ${scopedGifts(gifts)} g GROUP BY g."scope", g."currency"`
  );
}

/** The donors of received gifts and the households of allocations in force, per scope, from the public gifts and allocations. */
export function publicMembersFromRows(members: string, gifts: string, allocations: string): string {
  const scopedAllocations = `(SELECT '' AS "scope", "householdId", "policyActive" FROM ${allocations} UNION ALL SELECT "programmeId", "householdId", "policyActive" FROM ${allocations} WHERE "programmeId" IS NOT NULL)`;
  return (
    `INSERT INTO ${members} ("memberId", "kind", "scope", "count") ` +
    `SELECT g."donorId", 'donor', g."scope", COUNT(*) FROM ${scopedGifts(gifts)} g WHERE g."received" > 0 GROUP BY g."donorId", g."scope" ` +
    `UNION ALL SELECT a."householdId", 'household', a."scope", COUNT(*) FROM ${scopedAllocations} a WHERE a."policyActive" GROUP BY a."householdId", a."scope"`
  );
}

/** Each scope's donors and households covered, from its members. */
export function publicReachFromMembers(reach: string, members: string): string {
  return (
    `INSERT INTO ${reach} ("scope", "donors", "householdsCovered") ` +
    `SELECT "scope", SUM(CASE WHEN "kind" = 'donor' THEN 1 ELSE 0 END), SUM(CASE WHEN "kind" = 'household' THEN 1 ELSE 0 END) FROM ${members} GROUP BY "scope"`
  );
}

/**
 * Public totals per scope (the platform, each programme), kept by the public-view projection
 * (issue #12), so that /public/totals and /public/programmes read a few rows instead of summing every
 * public gift and allocation per request.
 */
export class PublicTotals1765600000000 implements MigrationInterface {
  name = 'PublicTotals1765600000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    const schema = schemaOf(queryRunner);
    const money = MONEY.map((figure) => `"${figure}" bigint NOT NULL DEFAULT '0'`).join(', ');
    await queryRunner.query(
      `CREATE TABLE "${schema}"."public_totals" ("scope" character varying(64) NOT NULL, "currency" character varying(3) NOT NULL, "gifts" integer NOT NULL DEFAULT 0, ${money}, "unpaidCount" integer NOT NULL DEFAULT 0, "unpaidAmount" bigint NOT NULL DEFAULT '0', CONSTRAINT "PK_public_totals" PRIMARY KEY ("scope", "currency"))`,
    );
    await queryRunner.query(
      `CREATE TABLE "${schema}"."public_reach" ("scope" character varying(64) NOT NULL, "donors" integer NOT NULL DEFAULT 0, "householdsCovered" integer NOT NULL DEFAULT 0, CONSTRAINT "PK_public_reach" PRIMARY KEY ("scope"))`,
    );
    await queryRunner.query(
      `CREATE TABLE "${schema}"."public_members" ("memberId" character varying(64) NOT NULL, "kind" character varying(16) NOT NULL, "scope" character varying(64) NOT NULL, "count" integer NOT NULL DEFAULT 0, CONSTRAINT "PK_public_members" PRIMARY KEY ("memberId", "kind", "scope"))`,
    );
    await queryRunner.query(publicTotalsFromGifts(`"${schema}"."public_totals"`, `"${schema}"."public_gifts"`));
    await queryRunner.query(publicMembersFromRows(`"${schema}"."public_members"`, `"${schema}"."public_gifts"`, `"${schema}"."public_allocations"`));
    await queryRunner.query(publicReachFromMembers(`"${schema}"."public_reach"`, `"${schema}"."public_members"`));
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    const schema = schemaOf(queryRunner);
    await queryRunner.query(`DROP TABLE "${schema}"."public_members"`);
    await queryRunner.query(`DROP TABLE "${schema}"."public_reach"`);
    await queryRunner.query(`DROP TABLE "${schema}"."public_totals"`);
  }
}
