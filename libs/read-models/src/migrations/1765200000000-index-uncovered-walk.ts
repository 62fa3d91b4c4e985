import { MigrationInterface, QueryRunner } from 'typeorm';
import { schemaOf } from './schema-of';

/**
 * The uncovered list (issue #12, measured on a county of 100,000 households): it walks eligible
 * households in allocation order with region and category in the index, and asks each one's funding
 * round whether it covers it from an index alone.
 */
export class IndexUncoveredWalk1765200000000 implements MigrationInterface {
  name = 'IndexUncoveredWalk1765200000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    const schema = schemaOf(queryRunner);
    await queryRunner.query(`DROP INDEX "${schema}"."IDX_households_allocation_order"`);
    await queryRunner.query(`CREATE INDEX "IDX_households_eligible_allocation_order" ON "${schema}"."households" ("eligible", "verifiedPosition", "householdCode", "villageCode", "category")`);
    await queryRunner.query(`CREATE INDEX "IDX_household_funding_cover" ON "${schema}"."household_funding" ("householdId", "productId", "status", "activePolicyId")`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    const schema = schemaOf(queryRunner);
    await queryRunner.query(`DROP INDEX "${schema}"."IDX_household_funding_cover"`);
    await queryRunner.query(`DROP INDEX "${schema}"."IDX_households_eligible_allocation_order"`);
    await queryRunner.query(`CREATE INDEX "IDX_households_allocation_order" ON "${schema}"."households" ("verifiedPosition", "householdCode")`);
  }
}
