import { CreateReadModels1764000000000 } from './1764000000000-create-read-models';
import { CreateMerkleLog1764100000000 } from './1764100000000-create-merkle-log';

export { schemaOf } from './schema-of';

/** Every migration of the read models, oldest first. Never edit one that has shipped: add a new one. */
export const readModelMigrations = [CreateReadModels1764000000000, CreateMerkleLog1764100000000];
