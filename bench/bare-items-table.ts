import Database from 'better-sqlite3';

/**
 * The bare routes' table (bare-insert-server.ts, bare-nest-insert-server.ts): one SQLite file with
 * the platform's pragmas (WAL, synchronous=FULL: one fsync per INSERT, as an event store append
 * must), and the INSERT each request makes.
 */
export function openItemsTable(filename: string): { db: Database.Database; insert: Database.Statement<[string]> } {
  const db = new Database(filename);
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = FULL');
  db.exec('CREATE TABLE IF NOT EXISTS items (id INTEGER PRIMARY KEY AUTOINCREMENT, body TEXT NOT NULL) STRICT');
  return { db, insert: db.prepare<[string]>('INSERT INTO items (body) VALUES (?)') };
}
