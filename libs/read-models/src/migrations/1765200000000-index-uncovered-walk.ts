import { MigrationInterface, QueryRunner } from 'typeorm';
import { schemaOf } from './schema-of';

/**
 * The uncovered list (issue #12, measured on a county of 100,000 households): it walks eligible
 * households in allocation order with region and category in the index, so that a page of a county
 * or a town stops after its rows instead of sorting the region.
 */
export class IndexUncoveredWalk1765200000000 implements MigrationInterface {
  name = 'IndexUncoveredWalk1765200000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    const schema = schemaOf(queryRunner);
    await queryRunner.query(`DROP INDEX "${schema}"."IDX_households_allocation_order"`);
    await queryRunner.query(`CREATE INDEX "IDX_households_eligible_allocation_order" ON "${schema}"."households" ("eligible", "verifiedPosition", "householdCode", "villageCode", "category")`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    const schema = schemaOf(queryRunner);
    await queryRunner.query(`DROP INDEX "${schema}"."IDX_households_eligible_allocation_order"`);
    await queryRunner.query(`CREATE INDEX "IDX_households_allocation_order" ON "${schema}"."households" ("verifiedPosition", "householdCode")`);
  }
}
