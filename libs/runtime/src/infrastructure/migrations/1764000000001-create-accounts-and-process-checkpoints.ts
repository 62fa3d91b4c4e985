import { MigrationInterface, QueryRunner } from 'typeorm';
import { schemaOf } from '@pangolin/read-models';

/** Logins and process-manager checkpoints, kept beside the read models. */
export class CreateAccountsAndProcessCheckpoints1764000000001 implements MigrationInterface {
  name = 'CreateAccountsAndProcessCheckpoints1764000000001';

  async up(queryRunner: QueryRunner): Promise<void> {
    const schema = schemaOf(queryRunner);
    await queryRunner.query(`CREATE SCHEMA IF NOT EXISTS "${schema}"`);
    await queryRunner.query(`CREATE TABLE "${schema}"."user_accounts" ("userId" character varying(64) NOT NULL, "username" character varying(64) NOT NULL, "displayName" character varying(200) NOT NULL, "role" character varying(16) NOT NULL, "insurerId" character varying(64), "regionCode" character varying(12), "passwordHash" character varying(300) NOT NULL, CONSTRAINT "UQ_d45e7ca4a62293443961558c564" UNIQUE ("username"), CONSTRAINT "PK_e16c43f353aa7596f375245440a" PRIMARY KEY ("userId"))`);
    await queryRunner.query(`CREATE TABLE "${schema}"."process_checkpoints" ("name" character varying(100) NOT NULL, "position" character varying(20) NOT NULL, CONSTRAINT "PK_f44f1cc459804d07ebfc7456a61" PRIMARY KEY ("name"))`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    const schema = schemaOf(queryRunner);
    await queryRunner.query(`DROP TABLE "${schema}"."process_checkpoints"`);
    await queryRunner.query(`DROP TABLE "${schema}"."user_accounts"`);
  }
}
