export * from './event-store.port';
export * from './sqlite/sqlite-event-store';
export * from './postgres/postgres-event-store';
export * from './kurrentdb/connect-kurrentdb';
export * from './forwarding-event-store';
export * from './subscription/stuck-worker';
export * from './database-unavailable';
