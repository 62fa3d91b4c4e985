import { MigrationInterface, QueryRunner } from 'typeorm';
import { schemaOf } from './schema-of';

/**
 * A search by the start of a household code (issue #12): PostgreSQL reads `LIKE 'HH-3F%'` as an
 * index range only through a `text_pattern_ops` index unless the database's collation is C. Without
 * it, a county's code search read every household of the county (25 ms at 100,000), an insurer's
 * every policy it holds. SQLite searches by a binary range on the ordinary index (see codeStartsWith).
 */
export class IndexCodeSearch1765810000000 implements MigrationInterface {
  name = 'IndexCodeSearch1765810000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`CREATE INDEX "IDX_households_code_pattern" ON "${schemaOf(queryRunner)}"."households" ("householdCode" text_pattern_ops)`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP INDEX "${schemaOf(queryRunner)}"."IDX_households_code_pattern"`);
  }
}
