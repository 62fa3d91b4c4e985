import { MigrationInterface, QueryRunner } from 'typeorm';
import { schemaOf } from '@pangolin/read-models';

/**
 * The records store's tables in their own schema (issue #16), as they stood beside the views before
 * (parked_events holds only the process managers' dead letters here)
 * (same columns and constraint names: adoptRecordsKeptAmongViews copies rows across unchanged).
 */
export class CreateRecordsStore1766000000000 implements MigrationInterface {
  name = 'CreateRecordsStore1766000000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    const schema = schemaOf(queryRunner);
    for (const statement of [
      `CREATE TABLE "${schema}"."household_data_keys" ("householdId" character varying(64) NOT NULL, "key" character varying(44) NOT NULL, "createdAt" character varying(32) NOT NULL, CONSTRAINT "PK_ebbd05fd037ff5b87e43b2a26ec" PRIMARY KEY ("householdId"))`,
      `CREATE TABLE "${schema}"."user_accounts" ("userId" character varying(64) NOT NULL, "username" character varying(64) NOT NULL, "displayName" character varying(200) NOT NULL, "role" character varying(16) NOT NULL, "insurerId" character varying(64), "regionCode" character varying(12), "passwordHash" character varying(300) NOT NULL, "creationFingerprint" character varying(64), CONSTRAINT "UQ_d45e7ca4a62293443961558c564" UNIQUE ("username"), CONSTRAINT "PK_e16c43f353aa7596f375245440a" PRIMARY KEY ("userId"))`,
      `CREATE TABLE "${schema}"."signed_checkpoints" ("size" bigint NOT NULL, "rootHash" character varying(64) NOT NULL, "note" text NOT NULL, "signedAt" character varying(32) NOT NULL, CONSTRAINT "PK_signed_checkpoints" PRIMARY KEY ("size"))`,
      `CREATE TABLE "${schema}"."checkpoint_cosignatures" ("size" bigint NOT NULL, "witness" character varying(300) NOT NULL, "cosignature" text NOT NULL, "cosignedAt" character varying(32) NOT NULL, CONSTRAINT "PK_checkpoint_cosignatures" PRIMARY KEY ("size", "witness"))`,
      `CREATE TABLE "${schema}"."inclusion_promises" ("id" character varying(64) NOT NULL, "firstLeaf" bigint NOT NULL, "lastLeaf" bigint NOT NULL, "issuedAt" character varying(32) NOT NULL, "deadline" character varying(32) NOT NULL, "note" text NOT NULL, CONSTRAINT "PK_inclusion_promises" PRIMARY KEY ("id"))`,
      `CREATE TABLE "${schema}"."process_checkpoints" ("name" character varying(100) NOT NULL, "position" character varying(20) NOT NULL, CONSTRAINT "PK_f44f1cc459804d07ebfc7456a61" PRIMARY KEY ("name"))`,
      `CREATE TABLE "${schema}"."parked_events" ("worker" character varying(100) NOT NULL, "position" bigint NOT NULL, "eventId" character varying(100) NOT NULL, "eventType" character varying(100) NOT NULL, "error" text NOT NULL, "attempts" integer NOT NULL, "firstFailedAt" character varying(32) NOT NULL, "lastFailedAt" character varying(32) NOT NULL, "dismissedAt" character varying(32), "dismissedBy" character varying(100), "note" text, CONSTRAINT "PK_parked_events" PRIMARY KEY ("worker", "position"))`,
    ])
      await queryRunner.query(statement);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    const schema = schemaOf(queryRunner);
    for (const table of ['parked_events', 'process_checkpoints', 'inclusion_promises', 'checkpoint_cosignatures', 'signed_checkpoints', 'user_accounts', 'household_data_keys']) await queryRunner.query(`DROP TABLE "${schema}"."${table}"`);
  }
}
