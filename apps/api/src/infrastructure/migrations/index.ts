import { CreateAccountsAndProcessCheckpoints1764000000001 } from './1764000000001-create-accounts-and-process-checkpoints';

/** The application's own migrations, oldest first. Never edit one that has shipped: add a new one. */
export const applicationMigrations = [CreateAccountsAndProcessCheckpoints1764000000001];
