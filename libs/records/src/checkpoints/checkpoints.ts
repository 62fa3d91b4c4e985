import type { DataSource, EntityManager } from 'typeorm';
import { formatCheckpoint, signNote, verifyConsistency } from '@pangolin/transparency';
import { consistencyProofBetween, merkleLogSize, merkleRoot, trailMapAt, writeLockOf, type SignedCheckpointSource } from '@pangolin/read-models';
import { CheckpointCosignatureRow } from './checkpoint-cosignature.entity';
import { SignedCheckpointRow } from './signed-checkpoint.entity';

/** What signs the log's checkpoints: its origin line and a C2SP note signer key. */
export interface CheckpointSigner {
  origin: string;
  signerKey: string;
}

/** The Merkle log no longer extends a checkpoint the platform already signed: it refuses to sign a fork. */
export class LogForkedError extends Error {
  constructor(readonly signedSize: bigint, reason: string) {
    super(`the Merkle log does not extend the checkpoint signed at size ${signedSize} (${reason}); it was not signed again. Run \`npm run audit\` to find the altered event`);
    this.name = 'LogForkedError';
  }
}

/**
 * Signs a checkpoint of the Merkle log (in `views`) at its current size and keeps it in `records`,
 * unless that size is already signed (Ed25519 is deterministic, so signing twice would give the
 * same note anyway). Before signing it checks that the tree extends the latest signed checkpoint: a
 * log rebuilt from altered events must never get a second, contradicting signature. The checkpoint
 * commits to the trail map at its size (a pangolin-trail-map extension line, see
 * @pangolin/transparency trail-map) when the trails cover the log; a database from before trail
 * maps signs without it until its trails are caught up. Returns the checkpoint at the log's size,
 * or undefined while the log is empty.
 *
 * The tree is read in one transaction of the views, under their write lock (on the embedded
 * database that transaction must not interleave with a projection's on the one connection); the
 * note is kept with one insert-or-ignore under the records' lock. Neither lock is held while the
 * other is, and the records' is held only for the insert, so signing a large log does not hold up
 * the inclusion promises written there. Two signers racing for one size both return the first
 * note kept.
 */
export async function signCheckpoint(views: DataSource, records: DataSource, signer: CheckpointSigner, now = new Date()): Promise<SignedCheckpointRow | undefined> {
  const latest = await latestCheckpoint(records.manager);
  const signed = await writeLockOf(views).run(() =>
    views.transaction(async (tx) => {
      const size = await merkleLogSize(tx);
      if (size === 0n) return undefined;
      if (latest?.size === size) return latest;
      const root = await merkleRoot(tx, size);
      if (latest && latest.size > size) throw new LogForkedError(latest.size, `the log has ${size} leaves, fewer than the ${latest.size} already signed`);
      if (latest) {
        const proof = await consistencyProofBetween(tx, latest.size, size);
        const check = verifyConsistency(latest.size, size, proof, Buffer.from(latest.rootHash, 'hex'), root);
        if (!check.ok) throw new LogForkedError(latest.size, check.reason);
      }
      const trailMap = await trailMapAt(tx, size);
      const extensionLines = trailMap === undefined ? [] : [trailMap.extensionLine()];
      const note = signNote(formatCheckpoint({ origin: signer.origin, size, rootHash: root, extensionLines }), signer.signerKey);
      return { size, rootHash: Buffer.from(root).toString('hex'), note, signedAt: now.toISOString() } satisfies SignedCheckpointRow;
    }),
  );
  if (signed === undefined || signed === latest) return signed;
  await writeLockOf(records).run(() => records.createQueryBuilder().insert().into(SignedCheckpointRow).values(signed).orIgnore().execute());
  return (await records.manager.findOneBy(SignedCheckpointRow, { size: signed.size })) ?? signed;
}

/** The most recent signed checkpoint (the largest), if any. */
export async function latestCheckpoint(manager: EntityManager): Promise<SignedCheckpointRow | undefined> {
  const [latest] = await manager.find(SignedCheckpointRow, { order: { size: 'DESC' }, take: 1 });
  return latest;
}

/** The checkpoint signed at exactly `size`, if one was. */
export async function checkpointAt(manager: EntityManager, size: bigint): Promise<SignedCheckpointRow | undefined> {
  return (await manager.findOneBy(SignedCheckpointRow, { size })) ?? undefined;
}

/** Signed checkpoints in increasing size, `limit` of them after size `after`. */
export async function listCheckpoints(manager: EntityManager, after = -1n, limit = 100): Promise<SignedCheckpointRow[]> {
  return manager
    .createQueryBuilder(SignedCheckpointRow, 'checkpoint')
    .where('checkpoint.size > :after', { after: after.toString() })
    .orderBy('checkpoint.size', 'ASC')
    .take(limit)
    .getMany();
}

/** Keeps a witness's cosignature of the checkpoint at `size` (the first one kept wins; a witness cosigns a size once per request). */
export async function saveCosignature(manager: EntityManager, size: bigint, witness: string, cosignature: string, now = new Date()): Promise<void> {
  await manager.createQueryBuilder().insert().into(CheckpointCosignatureRow).values({ size, witness, cosignature, cosignedAt: now.toISOString() }).orIgnore().execute();
}

/** The largest checkpoint size `witness` cosigned, as far as this platform kept; 0 if none. */
export async function latestCosignedSize(manager: EntityManager, witness: string): Promise<bigint> {
  const [latest] = await manager.find(CheckpointCosignatureRow, { where: { witness }, order: { size: 'DESC' }, take: 1 });
  return latest?.size ?? 0n;
}

/** The checkpoint's note with the cosignatures kept for it appended (in witness key order), as served and put in receipts. */
export async function cosignedNote(manager: EntityManager, checkpoint: SignedCheckpointRow): Promise<string> {
  const rows = await manager.find(CheckpointCosignatureRow, { where: { size: checkpoint.size }, order: { witness: 'ASC' } });
  return checkpoint.note + rows.map((row) => row.cosignature).join('');
}

/** The cosignature `witness` gave the checkpoint at `size`, if kept. */
export async function cosignatureOf(manager: EntityManager, size: bigint, witness: string): Promise<CheckpointCosignatureRow | undefined> {
  return (await manager.findOneBy(CheckpointCosignatureRow, { size, witness })) ?? undefined;
}

/** The signed checkpoints as the Merkle log's audit reads them. */
export function signedCheckpointSource(records: DataSource): SignedCheckpointSource {
  return {
    latestSize: async () => (await latestCheckpoint(records.manager))?.size ?? -1n,
    listAfter: (after, limit) => listCheckpoints(records.manager, after, limit),
  };
}
