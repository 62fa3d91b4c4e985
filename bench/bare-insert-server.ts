/**
 * The reference for the gifts-over-HTTP benchmark (not part of the platform): a bare Fastify server
 * whose one route, POST /items, does one raw SQLite INSERT (better-sqlite3, WAL, synchronous=FULL,
 * so one fsync per request, as an event store append must) and answers 201 with the row's id.
 * Started as a child process by gifts-over-http.bench.ts; prints "listening on <url>".
 *
 * Run: node dist/bench/bare-insert-server.js <sqlite file>
 */
import Fastify from 'fastify';
import { openItemsTable } from './bare-items-table';

async function main() {
  const filename = process.argv[2];
  if (!filename) throw new Error('usage: bare-insert-server.js <sqlite file>');
  const { db, insert } = openItemsTable(filename);
  const app = Fastify();
  app.post('/items', async (request, reply) => {
    const { lastInsertRowid } = insert.run(JSON.stringify(request.body));
    return reply.code(201).send({ id: Number(lastInsertRowid) });
  });
  const url = await app.listen({ host: '127.0.0.1', port: 0 });
  console.log(`listening on ${url}`);
  process.once('SIGTERM', () => void app.close().then(() => db.close()));
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
