/**
 * A donor on a flaky network never pledges twice by retrying: a pledge sent with an
 * Idempotency-Key, the server killed with SIGKILL while it may or may not have recorded (or
 * answered) it, the server started again, and the same request retried with the same key: the
 * donor has exactly one gift for the key, whatever moment the kill hit.
 */
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { streams } from '@pangolin/domain';
import { SqliteEventStore } from '@pangolin/event-store';
import { DEMO } from '../apps/api/src/demo/seed-demo';
import { Child, kill, killAllChildren, startChild, stop } from './support/child-process';
import { ApiResponse, cny } from './support/platform';
import { ensureBuilt } from './support/build';

describe('a pledge retried with its Idempotency-Key after a kill -9', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'pangolin-idempotent-'));
  const start = () => startChild('dist/apps/api/src/main.js', { DATA_DIR: dataDir, SEED_DEMO: 'true' }, /Pangolin is serving/);
  const pledge = { amount: cny(1000), target: { kind: 'household', householdId: DEMO.household(2), productId: DEMO.productId }, remainder: 'refund' };

  beforeAll(() => {
    ensureBuilt();
  }, 120_000);
  afterAll(() => {
    killAllChildren();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('exists once, whether the kill came before the pledge was recorded, before it was answered or after', async () => {
    let server: Child = await start();
    const outcomes: string[] = [];
    const keys: string[] = [];
    // From "killed before the request is read" to "killed after the answer": the kill lands at a different step each round.
    for (const killAfterMs of [0, 2, 5, 10, 15, 20, 30, 50, 80, 150, 400]) {
      const key = randomUUID();
      keys.push(key);
      const donor = await server.api.login('donor.li', 'pangolin-demo');
      // (Not `instanceof Error`: fetch's errors come from another realm than the test's.)
      const sent: Promise<{ answer?: ApiResponse }> = donor.post('/gifts', pledge, { 'Idempotency-Key': key }).then((answer) => ({ answer }), () => ({}));
      // A timed pause, not a poll: the kill lands killAfterMs after the request was sent.
      await sleep(killAfterMs);
      await kill(server);
      const { answer: first } = await sent;
      const recorded = (await pledgesFor([key])).length;
      outcomes.push(first ? `answered ${first.status}` : recorded ? 'recorded, unanswered' : 'unanswered');

      server = await start();
      const again = await server.api.login('donor.li', 'pangolin-demo');
      const retried = await again.post('/gifts', pledge, { 'Idempotency-Key': key });
      expect(retried.status).toBe(201);
      if (first) expect({ status: first.status, body: first.body }).toEqual({ status: 201, body: retried.body });
      const gifts = await again.list<{ giftId: string }>('/donor/gifts');
      expect(gifts.filter((gift) => gift.giftId === retried.body.giftId)).toHaveLength(1);
    }
    // Rounds of more than one kind happened: killed before the pledge was read or recorded, and after it was answered.
    expect(outcomes).toContain('unanswered');
    expect(outcomes).toContain('answered 201');
    await stop(server);

    // In the log itself: one pledge per key, no more.
    const pledges = await pledgesFor(keys);
    expect(pledges.map((event) => event.metadata.idempotency?.key).sort()).toEqual([...keys].sort());
    for (const event of pledges) expect(event.streamId).toBe(streams.gift(event.metadata.idempotency!.createdId));
  }, 240_000);

  /** The pledges recorded with these keys, read from the event store file (the server may be down). */
  async function pledgesFor(keys: string[]) {
    const store = SqliteEventStore.open(join(dataDir, 'events.sqlite'));
    try {
      return (await store.readAll({ limit: 100_000 })).filter((event) => event.type === 'GiftPledged' && keys.includes(event.metadata.idempotency?.key ?? ''));
    } finally {
      await store.close();
    }
  }
});
