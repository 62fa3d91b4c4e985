import { encodeLeaf, type LeafEvent } from '../log/leaf-encoding';
import { appendLeaves, rootAt } from '../merkle/merkle-tree';
import { leafHash } from '../merkle/rfc6962';
import { InMemorySubtreeHashStore } from '../merkle/in-memory-subtree-hash-store';
import type { SubtreeHash } from '../merkle/subtree-hash-store';
import { formatCheckpoint } from '../signed-note/checkpoint';
import { generateSignerKey, signNote } from '../signed-note/signed-note';
import { auditLog, type AuditedEvent, type AuditInput, type LoggedLeaf, type StoredCheckpoint } from './audit-log';
import { formatAuditReport } from './audit-report';
import { giftStoryLog, TestLog } from '../receipt/testing/receipt-fixture';

const ORIGIN = 'pangolin.test/log';
const KEY = generateSignerKey(ORIGIN);
const hex = (bytes: Uint8Array) => Buffer.from(bytes).toString('hex');

const makeEvent = (n: number): LeafEvent => ({
  eventId: `event-${n}`,
  streamId: `gift-${n % 3}`,
  revision: Math.floor(n / 3),
  type: 'GiftPledged',
  data: { amount: { amount: 100 * n, currency: 'CNY' } },
  metadata: { actor: 'donor.a', correlationId: `c-${n}` },
});

/** What the Merkle log stored for `events`: leaves, inner subtrees in completion order, signed checkpoints. */
interface StoredLog {
  size: bigint;
  leaves: LoggedLeaf[];
  subtrees: SubtreeHash[];
  checkpoints: StoredCheckpoint[];
}

async function logOf(events: readonly LeafEvent[], checkpointSizes: readonly number[] = [events.length], signerKey = KEY.signerKey): Promise<StoredLog> {
  const written: SubtreeHash[] = [];
  const store = new InMemorySubtreeHashStore();
  const recording = { get: store.get.bind(store), put: async (entries: readonly SubtreeHash[]) => (written.push(...entries), store.put(entries)) };
  const checkpoints: StoredCheckpoint[] = [];
  let size = 0n;
  for (const [i, event] of events.entries()) {
    size = await appendLeaves(recording, size, [leafHash(encodeLeaf(event))]);
    if (checkpointSizes.includes(i + 1)) {
      const note = signNote(formatCheckpoint({ origin: ORIGIN, size, rootHash: await rootAt(store, size) }), signerKey);
      checkpoints.push({ size, note, signedAt: `2026-11-24T10:00:${String(i).padStart(2, '0')}Z` });
    }
  }
  const leaves = written.filter((node) => node.level === 0).map((node) => ({ leafIndex: node.index, eventId: events[Number(node.index)].eventId, hash: node.hash }));
  return { size, leaves, subtrees: written.filter((node) => node.level > 0), checkpoints };
}

/** Stored events at positions 1, 2, ... unless positions are given. */
const stored = (events: readonly LeafEvent[], positions?: readonly number[]): AuditedEvent[] =>
  events.map((event, i) => ({ position: BigInt(positions?.[i] ?? i + 1), event }));

async function* stream<T>(items: readonly T[]): AsyncIterable<T> {
  yield* items;
}

function audit(events: readonly AuditedEvent[], log: StoredLog, overrides: Partial<AuditInput> = {}) {
  return auditLog({
    logSize: log.size,
    events: stream(events),
    leaves: stream(log.leaves),
    storedSubtrees: stream(log.subtrees),
    checkpoints: stream(log.checkpoints),
    verifierKey: KEY.verifierKey,
    origin: ORIGIN,
    ...overrides,
  });
}

const original = Array.from({ length: 13 }, (_, n) => makeEvent(n));
const altered = (events: readonly LeafEvent[], index: number, change: Partial<LeafEvent>) => events.map((event, i) => (i === index ? { ...event, ...change } : event));

describe('auditLog', () => {
  let log: StoredLog;
  beforeAll(async () => {
    log = await logOf(original, [4, 8, 13]);
  });

  it('passes an untouched log and names its root and latest checkpoint', async () => {
    const report = await audit(stored(original), log);
    const store = new InMemorySubtreeHashStore();
    await appendLeaves(store, 0n, original.map((event) => leafHash(encodeLeaf(event))));
    expect(report).toMatchObject({ ok: true, logSize: 13n, eventsNotYetLogged: 0n, checkpointsVerified: 3, root: hex(await rootAt(store, 13n)) });
    expect(formatAuditReport(report)).toBe(
      `Audit passed: 13 events, root ${report.root} matches the checkpoint of size 13 signed 2026-11-24T10:00:12Z.\n3 signed checkpoints verified.`,
    );
  });

  it('passes with events not yet projected, and counts them', async () => {
    const report = await audit(stored([...original, makeEvent(13), makeEvent(14)]), log);
    expect(report).toMatchObject({ ok: true, eventsNotYetLogged: 2n });
    expect(formatAuditReport(report)).toContain('2 newer events are not in the log yet (not yet projected).');
  });

  it('passes an empty log, and a log without checkpoints', async () => {
    const empty = await logOf([], []);
    expect(formatAuditReport(await audit([], empty))).toMatch(/^Audit passed: 0 events, root e3b0c442.*; no checkpoint has been signed yet/);
    expect(await audit(stored(original), { ...log, checkpoints: [] })).toMatchObject({ ok: true, checkpointsVerified: 0 });
  });

  it.each([
    ['data', 5, { data: { amount: { amount: 501, currency: 'CNY' } } }],
    ['metadata', 6, { metadata: { actor: 'someone-else', correlationId: 'c-6' } }],
    ['type', 0, { type: 'GiftPledgeD' }],
    ['stream id', 11, { streamId: 'gift-9' }],
    ['revision', 12, { revision: 7 }],
  ])('names an event whose %s was altered', async (_, index, change) => {
    const report = await audit(stored(altered(original, index, change)), log);
    const event = { ...original[index], ...change };
    expect(report.finding).toEqual({
      kind: 'altered',
      leafIndex: BigInt(index),
      event: { position: BigInt(index + 1), eventId: event.eventId, streamId: event.streamId, revision: event.revision },
      loggedEventId: event.eventId,
      detail: expect.stringMatching(/^it hashes to [0-9a-f]{64} but the log recorded [0-9a-f]{64}$/),
    });
    expect(formatAuditReport(report)).toMatch(
      new RegExp(`^Audit FAILED: the event at position ${index + 1} \\(leaf ${index}, id ${event.eventId}, stream ${event.streamId}, revision ${event.revision}\\) was altered: it hashes to`),
    );
  });

  it('names an event whose id was altered', async () => {
    const report = await audit(stored(altered(original, 3, { eventId: 'event-forged' })), log);
    expect(report.finding).toMatchObject({ kind: 'altered', leafIndex: 3n, event: { eventId: 'event-forged' }, loggedEventId: 'event-3' });
  });

  it('names an event that can no longer be read', async () => {
    const events: AuditedEvent[] = [...stored(original.slice(0, 4)), { afterPosition: 4n, unreadable: 'Unexpected token } in JSON' }];
    const report = await audit(events, log);
    expect(formatAuditReport(report)).toBe('Audit FAILED: the event after position 4 (leaf 4, logged as id event-4) was altered: it can no longer be read (Unexpected token } in JSON).');
  });

  it.each([
    ['leaving a gap in the positions', [1, 2, 3, 4, 5, 7, 8, 9, 10, 11, 12, 13]],
    ['renumbering the later positions', undefined],
  ])('names a removed event, %s', async (_, positions) => {
    const events = original.filter((_, i) => i !== 5);
    const report = await audit(stored(events, positions), log);
    expect(report.finding).toMatchObject({ kind: 'removed', leafIndex: 5n, expectedPosition: 6n, loggedEventId: 'event-5', count: 1 });
    expect(formatAuditReport(report)).toMatch(/^Audit FAILED: the event at position 6 \(leaf 5, id event-5\) was removed: the event store no longer has it, and the event now at leaf 5 \(position (6|7), id event-6\) was logged at leaf 6\.$/);
  });

  it('names the last event when it was removed', async () => {
    const report = await audit(stored(original.slice(0, 12)), log);
    expect(report.finding).toMatchObject({ kind: 'removed', leafIndex: 12n, expectedPosition: 13n, loggedEventId: 'event-12' });
  });

  it('names an inserted event', async () => {
    const forged = { ...makeEvent(99), streamId: 'gift-forged', revision: 0 };
    const report = await audit(stored([...original.slice(0, 7), forged, ...original.slice(7)]), log);
    expect(report.finding).toEqual({ kind: 'inserted', leafIndex: 7n, event: { position: 8n, eventId: 'event-99', streamId: 'gift-forged', revision: 0 }, count: 1 });
    expect(formatAuditReport(report)).toBe(
      'Audit FAILED: the event at position 8 (leaf 7, id event-99, stream gift-forged, revision 0) was inserted: the log never recorded it, and the events after it are shifted by 1.',
    );
  });

  it('names the first of two swapped events and where the log recorded it', async () => {
    const swapped = original.map((event, i) => (i === 2 ? original[9] : i === 9 ? original[2] : event));
    const report = await audit(stored(swapped), log);
    expect(report.finding).toMatchObject({ kind: 'reordered', leafIndex: 2n, event: { position: 3n, eventId: 'event-9' }, loggedAt: 9n, loggedEventId: 'event-2' });
    expect(formatAuditReport(report)).toBe(
      'Audit FAILED: the event at position 3 (leaf 2, id event-9, stream gift-0, revision 3) was reordered: the log recorded it at leaf 9, and recorded event event-2 at leaf 2.',
    );
  });

  it('names an event moved one place later as reordered', async () => {
    const moved = [...original.slice(0, 4), original[5], original[4], ...original.slice(6)];
    expect((await audit(stored(moved), log)).finding).toMatchObject({ kind: 'reordered', leafIndex: 4n, event: { eventId: 'event-5' }, loggedAt: 5n });
  });

  it('still names the leaf, as altered, when the swap is farther apart than the window', async () => {
    const swapped = original.map((event, i) => (i === 1 ? original[10] : i === 10 ? original[1] : event));
    const report = await audit(stored(swapped), log, { window: 4 });
    expect(report.finding).toMatchObject({ kind: 'altered', leafIndex: 1n, event: { eventId: 'event-10' }, loggedEventId: 'event-1' });
    expect(formatAuditReport(report)).toContain('neither id is found within 4 leaves and events of it');
  });

  it.each([
    ['an even leaf', 4],
    ['an odd leaf', 7],
    ['the last leaf, with no parent but a checkpoint', 12],
  ])('tells an edited stored hash of %s from an altered event', async (_, index) => {
    const leaves = log.leaves.map((leaf) => (leaf.leafIndex === BigInt(index) ? { ...leaf, hash: new Uint8Array(32).fill(7) } : leaf));
    const report = await audit(stored(original), { ...log, leaves });
    expect(report.finding).toEqual({ kind: 'stored-hash-edited', level: 0, index: BigInt(index), stored: '07'.repeat(32), recomputed: hex(log.leaves[index].hash!), eventId: `event-${index}` });
    expect(formatAuditReport(report)).toMatch(new RegExp(`^Audit FAILED: the stored hash of leaf ${index} \\(event event-${index}\\) in merkle_subtree_hashes was edited`));
  });

  it('names an edited stored hash of an inner subtree', async () => {
    const subtrees = log.subtrees.map((node) => (node.level === 2 && node.index === 1n ? { ...node, hash: new Uint8Array(32) } : node));
    const report = await audit(stored(original), { ...log, subtrees });
    expect(report.finding).toMatchObject({ kind: 'stored-hash-edited', level: 2, index: 1n, stored: '00'.repeat(32) });
    expect(formatAuditReport(report)).toMatch(/^Audit FAILED: the stored hash of the subtree at level 2, index 1 \(leaves 4 to 7\) in merkle_subtree_hashes was edited/);
  });

  it('names a missing and an unexpected stored subtree', async () => {
    const missing = log.subtrees.filter((node) => !(node.level === 3 && node.index === 0n));
    expect((await audit(stored(original), { ...log, subtrees: missing })).finding).toEqual({ kind: 'stored-hash-missing', level: 3, index: 0n });
    const extra = [...log.subtrees, { level: 1, index: 6n, hash: new Uint8Array(32) }];
    expect((await audit(stored(original), { ...log, subtrees: extra })).finding).toEqual({ kind: 'stored-hash-unexpected', level: 1, index: 6n });
    const missingLeaf = log.leaves.filter((leaf) => leaf.leafIndex !== 3n);
    expect((await audit(stored(original), { ...log, leaves: missingLeaf })).finding).toEqual({ kind: 'stored-hash-missing', level: 0, index: 3n });
  });

  it('names a leaf whose stored event id was edited', async () => {
    const leaves = log.leaves.map((leaf) => (leaf.leafIndex === 6n ? { ...leaf, eventId: 'event-other' } : leaf));
    const report = await audit(stored(original), { ...log, leaves });
    expect(report.finding).toMatchObject({ kind: 'leaf-record-edited', leafIndex: 6n, loggedEventId: 'event-other', event: { eventId: 'event-6', position: 7n } });
  });

  it('refuses a checkpoint signed with another key, or whose text was changed', async () => {
    const otherKey = await logOf(original, [8], generateSignerKey(ORIGIN).signerKey);
    const report = await audit(stored(original), { ...log, checkpoints: otherKey.checkpoints });
    expect(report.finding).toMatchObject({ kind: 'checkpoint-invalid', size: 8n, reason: expect.stringMatching(/carries no signature by any of the given verifier keys/) });
    expect(formatAuditReport(report)).toMatch(/^Audit FAILED: the checkpoint of size 8 signed 2026-11-24T10:00:07Z does not verify with the log's verifier key: /);

    const [, second] = log.checkpoints;
    const lines = second.note.split('\n');
    lines[1] = '9';
    const changed = await audit(stored(original), { ...log, checkpoints: [{ ...second, note: lines.join('\n') }] });
    expect(changed.finding).toMatchObject({ kind: 'checkpoint-invalid', size: 8n, reason: expect.stringMatching(/does not verify/) });
  });

  it('names the range between the last matching checkpoint and the first that differs when events and hashes were both rewritten', async () => {
    const rewritten = altered(original, 6, { data: { amount: { amount: 1, currency: 'CNY' } } });
    const rebuilt = await logOf(rewritten, []);
    const report = await audit(stored(rewritten), { ...rebuilt, checkpoints: log.checkpoints });
    expect(report.finding).toMatchObject({ kind: 'checkpoint-mismatch', size: 8n, fromLeaf: 4n, lastMatching: { size: 4n } });
    expect(formatAuditReport(report)).toMatch(
      /^Audit FAILED: the checkpoint of size 8 signed 2026-11-24T10:00:07Z does not match the events: their root at size 8 is [0-9a-f]{64}, the checkpoint signed [0-9a-f]{64}\. The stored hashes agree with the events, so both were rewritten after it was signed: an event among leaves 4 to 7 was altered, removed, inserted or reordered \(the checkpoint of size 4 signed 2026-11-24T10:00:03Z still matches\)\.$/,
    );
    const early = await logOf(altered(original, 0, { type: 'Other' }), []);
    expect((await audit(stored(altered(original, 0, { type: 'Other' })), { ...early, checkpoints: log.checkpoints })).finding).toMatchObject({ kind: 'checkpoint-mismatch', size: 4n, fromLeaf: 0n, lastMatching: undefined });
  });

  it('names a log shorter than a signed checkpoint', async () => {
    const truncated = original.slice(0, 10);
    const rebuilt = await logOf(truncated, []);
    const report = await audit(stored(truncated), { ...rebuilt, checkpoints: log.checkpoints });
    expect(report.finding).toEqual({ kind: 'log-shorter-than-checkpoint', logSize: 10n, size: 13n, signedAt: '2026-11-24T10:00:12Z', eventsNotYetLogged: 0n });
    expect(formatAuditReport(report)).toMatch(/^Audit FAILED: the log has 10 leaves, but a checkpoint of size 13 was signed 2026-11-24T10:00:12Z: leaves 10 to 12 are missing/);
  });

  it('checks that every checkpoint names the log', async () => {
    const report = await audit(stored(original), log, { origin: 'other.example/log' });
    expect(report.finding).toMatchObject({ kind: 'checkpoint-invalid', size: 4n, reason: 'its origin is "pangolin.test/log", not "other.example/log"' });
  });
});

describe('auditLog: the trail map of checkpoints that commit to one', () => {
  const storyInput = async (log: TestLog, extensionLines: readonly string[]): Promise<AuditInput> => {
    const tree = await logOf(log.events, []);
    const note = signNote(formatCheckpoint({ origin: 'pangolin.test/log', size: log.size, rootHash: await rootAt(log.store, log.size), extensionLines }), log.keys.signerKey);
    return {
      logSize: tree.size,
      events: stream(stored(log.events)),
      leaves: stream(tree.leaves),
      storedSubtrees: stream(tree.subtrees),
      checkpoints: stream([{ size: log.size, note, signedAt: '2026-12-01T00:00:00Z' }]),
      verifierKey: log.keys.verifierKey,
    };
  };

  it('passes when the checkpoint\'s trail map is the one the events give', async () => {
    const { log } = await giftStoryLog();
    const report = await auditLog(await storyInput(log, [log.trails().map.extensionLine()]));
    expect(report).toMatchObject({ ok: true, checkpointsVerified: 1 });
  });

  it('refuses a checkpoint whose trail map leaves an event out of a gift\'s trail', async () => {
    const { log } = await giftStoryLog();
    // The map of a log without the claim payment (leaf 12), signed for the whole log: g1's trail is one event short.
    const short = new TestLog();
    await short.append(...log.events.filter((_, i) => i !== 12));
    const wrong = short.trails().map;
    const report = await auditLog(await storyInput(log, [wrong.extensionLine()]));
    expect(report.ok).toBe(false);
    expect(report.finding).toMatchObject({ kind: 'trail-map-mismatch', size: 14n });
    expect(formatAuditReport(report)).toMatch(/^Audit FAILED: the checkpoint of size 14 signed 2026-12-01T00:00:00Z commits to a trail map the events do not give/);
  });
});
