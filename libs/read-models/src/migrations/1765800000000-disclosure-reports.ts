import { MigrationInterface, QueryRunner } from 'typeorm';
import { schemaOf } from './schema-of';

/** Published disclosure reports, every version (issue #13); filled by the disclosures projection from the log. */
export class DisclosureReports1765800000000 implements MigrationInterface {
  name = 'DisclosureReports1765800000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    const schema = schemaOf(queryRunner);
    await queryRunner.query(
      `CREATE TABLE "${schema}"."disclosure_reports" ("reportId" character varying(64) NOT NULL, "version" integer NOT NULL, "scope" character varying(64) NOT NULL, "periodFrom" character varying(32) NOT NULL, "periodTo" character varying(32) NOT NULL, "latest" boolean NOT NULL, "position" bigint NOT NULL, "publishedAt" character varying(32) NOT NULL, "report" text NOT NULL, CONSTRAINT "PK_disclosure_reports" PRIMARY KEY ("reportId", "version"))`,
    );
    await queryRunner.query(`CREATE INDEX "IDX_disclosure_reports_published" ON "${schema}"."disclosure_reports" ("position")`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE "${schemaOf(queryRunner)}"."disclosure_reports"`);
  }
}
