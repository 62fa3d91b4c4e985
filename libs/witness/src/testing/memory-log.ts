/** Test support: an RFC 6962 log in memory that signs checkpoints and cuts consistency proofs, honest or forked. */
import { randomBytes } from 'node:crypto';
import {
  appendLeaves,
  consistencyProof,
  formatCheckpoint,
  generateSignerKey,
  InMemorySubtreeHashStore,
  leafHash,
  rootAt,
  signNote,
} from '@pangolin/transparency';

export class MemoryLog {
  private store = new InMemorySubtreeHashStore();
  private leaves: Uint8Array[] = [];

  constructor(
    readonly origin = 'pangolin.test/log',
    readonly keys = generateSignerKey(origin),
  ) {}

  get size(): bigint {
    return BigInt(this.leaves.length);
  }

  async append(count: number): Promise<this> {
    const added = Array.from({ length: count }, () => randomBytes(16));
    await appendLeaves(this.store, this.size, added.map(leafHash));
    this.leaves.push(...added);
    return this;
  }

  /** A copy sharing the first `size` leaves (same key): appending to it makes a fork. */
  async fork(size = this.size): Promise<MemoryLog> {
    const copy = new MemoryLog(this.origin, this.keys);
    copy.leaves = [];
    await appendLeaves(copy.store, 0n, this.leaves.slice(0, Number(size)).map(leafHash));
    copy.leaves.push(...this.leaves.slice(0, Number(size)));
    return copy;
  }

  /** The same log with leaf `index` replaced: a rewritten history. */
  async rewritten(index: number): Promise<MemoryLog> {
    const copy = new MemoryLog(this.origin, this.keys);
    const leaves = this.leaves.map((leaf, i) => (i === index ? randomBytes(16) : leaf));
    await appendLeaves(copy.store, 0n, leaves.map(leafHash));
    copy.leaves = leaves;
    return copy;
  }

  async checkpoint(size = this.size, signerKey = this.keys.signerKey, origin = this.origin): Promise<string> {
    return signNote(formatCheckpoint({ origin, size, rootHash: await rootAt(this.store, size) }), signerKey);
  }

  async root(size = this.size): Promise<Uint8Array> {
    return rootAt(this.store, size);
  }

  proof(from: bigint, to = this.size): Promise<Uint8Array[]> {
    return consistencyProof(this.store, from, to);
  }
}
