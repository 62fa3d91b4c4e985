import { CreateReadModels1764000000000 } from './1764000000000-create-read-models';

export { schemaOf } from './schema-of';

/** Every migration of the read models, oldest first. Never edit one that has shipped: add a new one. */
export const readModelMigrations = [CreateReadModels1764000000000];
