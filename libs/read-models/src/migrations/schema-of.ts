import type { QueryRunner } from 'typeorm';

/** The PostgreSQL schema the data source is configured for: migrations create their tables there. */
export function schemaOf(queryRunner: QueryRunner): string {
  return (queryRunner.connection.options as { schema?: string }).schema ?? 'public';
}
