import { createHash } from 'node:crypto';
import type { DataSource, EntityManager } from 'typeorm';
import type { EventStore } from '@pangolin/event-store';
import { eventLeafHash, openPromise, promiseDeadline, signPromise, type InclusionPromise, type NoteSignerKey } from '@pangolin/transparency';
import { runDurableWriteSyncedOffLoop } from '@pangolin/read-models';
import { InclusionPromiseRow } from './inclusion-promise.entity';
import { SignedCheckpointRow } from './signed-checkpoint.entity';

/**
 * Signs each of `promises` with the log's key and keeps them all in one INSERT (one commit, however
 * many), under the records store's write lock so that it never joins another writer's open
 * transaction on the embedded database's one connection, synced to disk before this resolves
 * (off the event loop on the embedded database); returns the notes in order.
 */
export async function issuePromises(dataSource: DataSource, promises: readonly InclusionPromise[], signerKey: string | NoteSignerKey): Promise<string[]> {
  if (promises.length === 0) return [];
  const rows = promises.map((promise): InclusionPromiseRow => {
    const note = signPromise(promise, signerKey);
    return {
      id: createHash('sha256').update(note).digest('hex'),
      firstLeaf: promise.leaves[0].leafIndex,
      lastLeaf: promise.leaves[promise.leaves.length - 1].leafIndex,
      issuedAt: promise.issuedAt,
      deadline: promiseDeadline(promise).toISOString(),
      note,
    };
  });
  await runDurableWriteSyncedOffLoop(dataSource, () => dataSource.manager.createQueryBuilder().insert().into(InclusionPromiseRow).values(rows).orIgnore().execute());
  return rows.map((row) => row.note);
}

/** Signs `promise` with the log's key and keeps it; returns the note. */
export async function issuePromise(dataSource: DataSource, promise: InclusionPromise, signerKey: string | NoteSignerKey): Promise<string> {
  const [note] = await issuePromises(dataSource, [promise], signerKey);
  return note;
}

/** Kept promises in the order they were issued, `limit` of them after id `after` of the previous page. */
export async function listPromises(manager: EntityManager, after?: { issuedAt: string; id: string }, limit = 500): Promise<InclusionPromiseRow[]> {
  const query = manager.createQueryBuilder(InclusionPromiseRow, 'promise').orderBy('promise.issuedAt', 'ASC').addOrderBy('promise.id', 'ASC').take(limit);
  if (after) query.where('(promise.issuedAt > :issuedAt OR (promise.issuedAt = :issuedAt AND promise.id > :id))', after);
  return query.getMany();
}

/** What the audit found about the kept promises: one line per promise broken, and a summary. */
export interface PromiseAudit {
  ok: boolean;
  lines: string[];
}

/**
 * Checks every kept promise: it carries the log's signature; a checkpoint signed no later than its
 * deadline holds every promised leaf index; and the events in `store`, in global order, still hash
 * to the promised leaf at each index (an event deleted or altered afterwards moves or changes it).
 * A promise whose deadline has not passed is only counted when no checkpoint holds it yet.
 */
export async function auditPromises(store: EventStore, manager: EntityManager, options: { verifierKey: string; origin?: string; now?: Date }): Promise<PromiseAudit> {
  const now = (options.now ?? new Date()).toISOString();
  const promises: { row: InclusionPromiseRow; promise?: InclusionPromise; problem?: string }[] = [];
  for (let page = await listPromises(manager); page.length > 0; page = await listPromises(manager, page[page.length - 1])) {
    for (const row of page) {
      const opened = openPromise(row.note, options.verifierKey, options.origin);
      promises.push(opened.ok ? { row, promise: opened.promise } : { row, problem: opened.failure });
    }
  }
  // The leaf hashes the events give at the promised indexes, in one pass over the log.
  const wanted = new Set(promises.flatMap(({ promise }) => promise?.leaves.map((leaf) => leaf.leafIndex) ?? []));
  const recomputed = new Map<bigint, Uint8Array>();
  let index = 0n;
  for (let after = 0n; wanted.size > recomputed.size; ) {
    const page = await store.readAll({ after, limit: 500 });
    if (page.length === 0) break;
    for (const event of page) {
      if (wanted.has(index)) recomputed.set(index, eventLeafHash(event));
      index++;
    }
    after = page[page.length - 1].position;
  }
  const lines: string[] = [];
  let pending = 0;
  for (const entry of promises) {
    const { row, promise } = entry;
    const name = `promise ${row.id.slice(0, 16)} (issued ${row.issuedAt}, leaves ${row.firstLeaf}..${row.lastLeaf}, deadline ${row.deadline})`;
    let problem = entry.problem;
    if (promise && !problem) {
      const [covering] = await manager.createQueryBuilder(SignedCheckpointRow, 'checkpoint').where('checkpoint.size > :last', { last: row.lastLeaf.toString() }).orderBy('checkpoint.size', 'ASC').take(1).getMany();
      if (!covering || covering.signedAt > row.deadline) {
        if (row.deadline >= now) {
          pending++;
          continue;
        }
        problem = covering ? `the first checkpoint holding leaf ${row.lastLeaf} (size ${covering.size}) was signed at ${covering.signedAt}, after the deadline` : `no checkpoint holds leaf ${row.lastLeaf}, and the deadline has passed`;
      } else {
        const differing = promise.leaves.find(({ leafIndex, leafHash }) => {
          const hash = recomputed.get(leafIndex);
          return !hash || Buffer.compare(Buffer.from(hash), Buffer.from(leafHash)) !== 0;
        });
        if (differing) problem = recomputed.has(differing.leafIndex) ? `the event stored at leaf ${differing.leafIndex} no longer hashes to the promised leaf (deleted or altered after the promise was given)` : `the event store has no event at leaf ${differing.leafIndex}`;
      }
    }
    if (problem) lines.push(`Promise audit FAILED: ${name}: ${problem}.`);
  }
  const broken = lines.length;
  if (promises.length > 0) lines.push(`Promises: ${promises.length} kept, ${promises.length - broken - pending} honoured, ${pending} pending (deadline not passed), ${broken} broken.`);
  return { ok: broken === 0, lines };
}
