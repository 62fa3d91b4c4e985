import { MigrationInterface, QueryRunner } from 'typeorm';
import { schemaOf } from './schema-of';

/** Dead letters: events a projection or process manager parked after its retries (generated from the entity, then reviewed). */
export class CreateParkedEvents1764410000000 implements MigrationInterface {
  name = 'CreateParkedEvents1764410000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    const schema = schemaOf(queryRunner);
    await queryRunner.query(
      `CREATE TABLE "${schema}"."parked_events" ("worker" character varying(100) NOT NULL, "position" bigint NOT NULL, "eventId" character varying(100) NOT NULL, "eventType" character varying(100) NOT NULL, "error" text NOT NULL, "attempts" integer NOT NULL, "firstFailedAt" character varying(32) NOT NULL, "lastFailedAt" character varying(32) NOT NULL, "dismissedAt" character varying(32), "dismissedBy" character varying(100), "note" text, CONSTRAINT "PK_parked_events" PRIMARY KEY ("worker", "position"))`,
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE "${schemaOf(queryRunner)}"."parked_events"`);
  }
}
