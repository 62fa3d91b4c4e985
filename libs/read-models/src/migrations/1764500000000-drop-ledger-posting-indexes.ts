import { MigrationInterface, QueryRunner } from 'typeorm';
import { schemaOf } from './schema-of';

/**
 * Nothing reads ledger postings by event id or by position (the ledger's queries read its entries),
 * so their two indexes only cost the projection a write each per posting. (SQLite files follow the
 * entities: synchronize drops them there.)
 */
export class DropLedgerPostingIndexes1764500000000 implements MigrationInterface {
  name = 'DropLedgerPostingIndexes1764500000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    const schema = schemaOf(queryRunner);
    await queryRunner.query(`DROP INDEX "${schema}"."IDX_0ae2e3b7a380b39b4ce20e4ec2"`);
    await queryRunner.query(`DROP INDEX "${schema}"."IDX_c03c1330f988ef613b2a8b0026"`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    const schema = schemaOf(queryRunner);
    await queryRunner.query(`CREATE INDEX "IDX_0ae2e3b7a380b39b4ce20e4ec2" ON "${schema}"."ledger_postings" ("eventId")`);
    await queryRunner.query(`CREATE INDEX "IDX_c03c1330f988ef613b2a8b0026" ON "${schema}"."ledger_postings" ("position")`);
  }
}
