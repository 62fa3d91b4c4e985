import { MigrationInterface, QueryRunner } from 'typeorm';
import { schemaOf } from './schema-of';

/** The products the households projection knows, from the catalogue's (the projection keeps them from then on); SQLite's are filled at open. */
export function uncoveredProductsFromProducts(uncoveredProducts: string, products: string): string {
  return `INSERT INTO ${uncoveredProducts} ("productId") SELECT "productId" FROM ${products}`;
}

/**
 * Each eligible household without a policy requested or in force and without a fully funded round
 * for each known product: the condition the uncovered list used to test household by household.
 */
export function uncoveredHouseholdsFromHouseholds(uncoveredHouseholds: string, uncoveredProducts: string, households: string, funding: string): string {
  return (
    `INSERT INTO ${uncoveredHouseholds} ("householdId", "productId", "countyCode", "verifiedPosition", "householdCode", "villageCode", "category", "size") ` +
    `SELECT h."householdId", p."productId", h."countyCode", h."verifiedPosition", h."householdCode", h."villageCode", h."category", h."size" ` +
    `FROM ${households} h CROSS JOIN ${uncoveredProducts} p ` +
    `LEFT JOIN ${funding} f ON f."householdId" = h."householdId" AND f."productId" = p."productId" ` +
    `WHERE h."eligible" AND h."verifiedPosition" IS NOT NULL ` +
    `AND (f."householdId" IS NULL OR (f."activePolicyId" IS NULL AND f."status" NOT IN ('funded', 'covered')))`
  );
}

/**
 * The uncovered set per product, kept by the households projection (issue #12): a county's uncovered
 * list is a range of its index in allocation order, instead of a walk past every household a
 * programme already covers (10,000 at county scale before the first page's rows). The index that
 * walk went through is dropped: nothing reads households in allocation order any more.
 */
export class UncoveredHouseholds1765700000000 implements MigrationInterface {
  name = 'UncoveredHouseholds1765700000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    const schema = schemaOf(queryRunner);
    await queryRunner.query(`CREATE TABLE "${schema}"."uncovered_products" ("productId" character varying(64) NOT NULL, CONSTRAINT "PK_uncovered_products" PRIMARY KEY ("productId"))`);
    await queryRunner.query(
      `CREATE TABLE "${schema}"."uncovered_households" ("householdId" character varying(64) NOT NULL, "productId" character varying(64) NOT NULL, "countyCode" character varying(6) NOT NULL, "verifiedPosition" bigint NOT NULL, "householdCode" character varying(64) NOT NULL, "villageCode" character varying(12) NOT NULL, "category" character varying(32) NOT NULL, "size" integer NOT NULL, CONSTRAINT "PK_uncovered_households" PRIMARY KEY ("householdId", "productId"))`,
    );
    await queryRunner.query(`CREATE INDEX "IDX_uncovered_households_allocation_order" ON "${schema}"."uncovered_households" ("productId", "countyCode", "verifiedPosition", "householdCode", "villageCode", "category")`);
    await queryRunner.query(`CREATE INDEX "IDX_uncovered_households_village" ON "${schema}"."uncovered_households" ("productId", "villageCode", "verifiedPosition", "householdCode", "category")`);
    await queryRunner.query(uncoveredProductsFromProducts(`"${schema}"."uncovered_products"`, `"${schema}"."catalogue_products"`));
    await queryRunner.query(uncoveredHouseholdsFromHouseholds(`"${schema}"."uncovered_households"`, `"${schema}"."uncovered_products"`, `"${schema}"."households"`, `"${schema}"."household_funding"`));
    await queryRunner.query(`DROP INDEX "${schema}"."IDX_households_eligible_allocation_order"`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    const schema = schemaOf(queryRunner);
    await queryRunner.query(`CREATE INDEX "IDX_households_eligible_allocation_order" ON "${schema}"."households" ("eligible", "verifiedPosition", "householdCode", "villageCode", "category")`);
    await queryRunner.query(`DROP TABLE "${schema}"."uncovered_households"`);
    await queryRunner.query(`DROP TABLE "${schema}"."uncovered_products"`);
  }
}
