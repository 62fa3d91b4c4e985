import { MigrationInterface, QueryRunner } from 'typeorm';
import { schemaOf } from './schema-of';

/** One key per household for its sealed personal data; erased households keep no personal data (generated from the entities, then reviewed). */
export class CreateHouseholdDataKeys1764300000000 implements MigrationInterface {
  name = 'CreateHouseholdDataKeys1764300000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    const schema = schemaOf(queryRunner);
    await queryRunner.query(`CREATE TABLE "${schema}"."household_data_keys" ("householdId" character varying(64) NOT NULL, "key" character varying(44) NOT NULL, "createdAt" character varying(32) NOT NULL, CONSTRAINT "PK_ebbd05fd037ff5b87e43b2a26ec" PRIMARY KEY ("householdId"))`);
    await queryRunner.query(`ALTER TABLE "${schema}"."households" ADD "personalDataErased" boolean NOT NULL DEFAULT false`);
    await queryRunner.query(`ALTER TABLE "${schema}"."households" ALTER COLUMN "personal" DROP NOT NULL`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    const schema = schemaOf(queryRunner);
    await queryRunner.query(`ALTER TABLE "${schema}"."households" ALTER COLUMN "personal" SET NOT NULL`);
    await queryRunner.query(`ALTER TABLE "${schema}"."households" DROP COLUMN "personalDataErased"`);
    await queryRunner.query(`DROP TABLE "${schema}"."household_data_keys"`);
  }
}
