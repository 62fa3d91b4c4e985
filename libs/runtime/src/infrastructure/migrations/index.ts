import { CreateAccountsAndProcessCheckpoints1764000000001 } from './1764000000001-create-accounts-and-process-checkpoints';
import { AddAccountCreationFingerprint1764000000002 } from './1764000000002-add-account-creation-fingerprint';

/** The application's own migrations, oldest first. Never edit one that has shipped: add a new one. */
export const applicationMigrations = [CreateAccountsAndProcessCheckpoints1764000000001, AddAccountCreationFingerprint1764000000002];
