import { CreateRecordsStore1766000000000 } from './1766000000000-create-records-store';

/** The records store's migrations (PostgreSQL), oldest first. Never edit one that has shipped: add a new one. */
export const recordsMigrations = [CreateRecordsStore1766000000000];
