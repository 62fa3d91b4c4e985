import { encodeLeaf, type LeafEvent } from '../log/leaf-encoding';
import { EMPTY_ROOT, leafHash, nodeHash } from '../merkle/rfc6962';
import type { SubtreeHash, SubtreeKey } from '../merkle/subtree-hash-store';
import { parseCheckpoint } from '../signed-note/checkpoint';
import { openNote } from '../signed-note/signed-note';
import { TrailRecomputation } from '../trail-map/trail-membership';
import { trailMapCommitmentOf, type TrailMapCommitment } from '../trail-map/trail-map';
import { Lookahead } from './lookahead';

/**
 * The audit of the transparency log: recomputes the RFC 6962 tree from the stored events and
 * compares it with the stored hashes and every signed checkpoint, in one pass over the log.
 *
 * Memory: the tree is kept as its right border (one hash per level, O(log n)). Telling an altered
 * event from a removed, inserted or reordered one needs to know where an event id sits in the other
 * sequence; a map of every id would grow with the log, so a bounded look-ahead window (`window`
 * events and leaves, default 1000) is searched instead, and only after the first mismatch. An
 * event moved farther than the window is reported as altered at its new place (its id is not the
 * one logged there); it is still named, only the classification is coarser.
 *
 * It also recomputes the trail map (trail-map.ts) from the events, one state per gift (memory grows
 * with the number of gifts), and compares its root with every checkpoint that commits to one.
 */

/** A stored event as read from the event store, in global order; `unreadable` when its row no longer parses. */
export type AuditedEvent =
  | { readonly position: bigint; readonly event: LeafEvent }
  | { readonly afterPosition: bigint; readonly unreadable: string };

/** A leaf of the stored Merkle log: which event it is and the hash the log recorded for it. */
export interface LoggedLeaf {
  readonly leafIndex: bigint;
  /** Undefined when the log has a hash but no event id recorded for the leaf. */
  readonly eventId: string | undefined;
  /** Undefined when the log has an event id but no hash for the leaf. */
  readonly hash: Uint8Array | undefined;
}

export interface StoredCheckpoint {
  readonly size: bigint;
  /** The C2SP signed note of the tlog-checkpoint. */
  readonly note: string;
  readonly signedAt: string;
}

export interface AuditInput {
  /** Leaves in the stored Merkle log (its head). */
  readonly logSize: bigint;
  /** Every stored event, in global order. */
  readonly events: AsyncIterable<AuditedEvent>;
  /** The stored leaves 0, 1, ... in leaf order (rows beyond logSize included, so they can be reported). */
  readonly leaves: AsyncIterable<LoggedLeaf>;
  /**
   * The stored complete subtrees of level >= 1, in the order the tree completes them: by last
   * leaf ((index + 1) * 2^level - 1), then by level. Rows beyond the log come last.
   */
  readonly storedSubtrees: AsyncIterable<SubtreeHash>;
  /** Signed checkpoints in increasing size. */
  readonly checkpoints: AsyncIterable<StoredCheckpoint>;
  /** The log's public verifier key: every checkpoint must carry its valid signature. */
  readonly verifierKey: string;
  /** When given, every checkpoint must name this origin. */
  readonly origin?: string;
  /** How far to look ahead to classify a mismatch; default 1000. */
  readonly window?: number;
}

/** The event named in a finding, as it is stored now. */
export interface EventIdentity {
  readonly position: bigint;
  readonly eventId: string;
  readonly streamId: string;
  readonly revision: number;
}

export type AuditFinding =
  /** The event at the leaf no longer hashes to the logged leaf hash (or can no longer be read). */
  | { readonly kind: 'altered'; readonly leafIndex: bigint; readonly event?: EventIdentity; readonly afterPosition?: bigint; readonly loggedEventId?: string; readonly detail: string }
  /** The event logged at the leaf is missing: the events after it are shifted down by `count`. */
  | { readonly kind: 'removed'; readonly leafIndex: bigint; readonly expectedPosition: bigint; readonly loggedEventId?: string; readonly count: number; readonly nowAtPosition?: EventIdentity }
  /** An event the log never recorded sits at the leaf: the events after it are shifted up by `count`. */
  | { readonly kind: 'inserted'; readonly leafIndex: bigint; readonly event: EventIdentity; readonly count: number }
  /** The event at the leaf was logged at leaf `loggedAt`. */
  | { readonly kind: 'reordered'; readonly leafIndex: bigint; readonly event: EventIdentity; readonly loggedAt: bigint; readonly loggedEventId?: string }
  /** A stored hash disagrees with the tree recomputed from the events (level 0: a leaf hash). */
  | { readonly kind: 'stored-hash-edited'; readonly level: number; readonly index: bigint; readonly stored: string; readonly recomputed: string; readonly eventId?: string }
  /** A stored hash the tree needs is missing, or a stored hash is not part of the tree. */
  | { readonly kind: 'stored-hash-missing' | 'stored-hash-unexpected'; readonly level: number; readonly index: bigint }
  /** The stored event id of a leaf does not name the event whose hash it holds. */
  | { readonly kind: 'leaf-record-edited'; readonly leafIndex: bigint; readonly loggedEventId?: string; readonly event: EventIdentity }
  | { readonly kind: 'checkpoint-invalid'; readonly size: bigint; readonly signedAt: string; readonly reason: string }
  /** The recomputed root at a checkpoint's size is not the signed one; the change lies in leaves [fromLeaf, size). */
  | { readonly kind: 'checkpoint-mismatch'; readonly size: bigint; readonly signedAt: string; readonly signedRoot: string; readonly recomputedRoot: string; readonly fromLeaf: bigint; readonly lastMatching?: { size: bigint; signedAt: string } }
  /** The checkpoint's trail map (pangolin-trail-map line) is not the one the events give at its size. */
  | { readonly kind: 'trail-map-mismatch'; readonly size: bigint; readonly signedAt: string; readonly signed: string; readonly recomputed: string }
  | { readonly kind: 'log-shorter-than-checkpoint'; readonly logSize: bigint; readonly size: bigint; readonly signedAt: string; readonly eventsNotYetLogged: bigint };

export interface AuditReport {
  readonly ok: boolean;
  /** Leaves checked before the verdict (the whole log when ok). */
  readonly logSize: bigint;
  /** Stored events after the log's last leaf: not projected yet, which is fine (counted when the audit gets that far). */
  readonly eventsNotYetLogged?: bigint;
  /** The recomputed root of the whole log (when ok). */
  readonly root?: string;
  readonly checkpointsVerified: number;
  /** The largest signed checkpoint that matches the recomputed tree. */
  readonly latestCheckpoint?: { size: bigint; signedAt: string };
  readonly finding?: AuditFinding;
}

const DEFAULT_WINDOW = 1000;
const hex = (bytes: Uint8Array) => Buffer.from(bytes).toString('hex');
const sameHash = (a: Uint8Array | undefined, b: Uint8Array | undefined) => a !== undefined && b !== undefined && Buffer.from(a).equals(b);
/** The leaf whose append completes a subtree: its last one. */
const lastLeafOf = (key: SubtreeKey) => ((key.index + 1n) << BigInt(key.level)) - 1n;
/** Completion order of subtrees: by last leaf, then by level. */
const completesBefore = (a: SubtreeKey, b: SubtreeKey) => lastLeafOf(a) < lastLeafOf(b) || (lastLeafOf(a) === lastLeafOf(b) && a.level < b.level);
const sameKey = (a: SubtreeKey, b: SubtreeKey) => a.level === b.level && a.index === b.index;

class AuditFailed extends Error {
  constructor(readonly finding: AuditFinding) {
    super(finding.kind);
  }
}

export async function auditLog(input: AuditInput): Promise<AuditReport> {
  const audit = new LogAudit(input);
  try {
    return await audit.run();
  } catch (error) {
    if (error instanceof AuditFailed) return audit.failure(error.finding);
    throw error;
  }
}

class LogAudit {
  private readonly events: Lookahead<AuditedEvent>;
  private readonly leaves: Lookahead<LoggedLeaf>;
  private readonly stored: Lookahead<SubtreeHash>;
  private readonly checkpoints: Lookahead<StoredCheckpoint>;
  private readonly window: number;
  /** The complete subtrees covering the leaves so far, largest first: the tree in O(log n). */
  private border: SubtreeHash[] = [];
  private leavesDone = 0n;
  private lastPosition = 0n;
  private lastStoredLeafHash: Uint8Array | undefined;
  private checkpointsVerified = 0;
  private lastMatching: { size: bigint; signedAt: string } | undefined;
  /** Each gift's trail (length and hash) in the leaves so far. */
  private readonly trails = new TrailRecomputation();

  constructor(private readonly input: AuditInput) {
    this.events = new Lookahead(input.events);
    this.leaves = new Lookahead(input.leaves);
    this.stored = new Lookahead(input.storedSubtrees);
    this.checkpoints = new Lookahead(input.checkpoints);
    this.window = input.window ?? DEFAULT_WINDOW;
  }

  async run(): Promise<AuditReport> {
    await this.checkCheckpointsUpTo(0n);
    for (let i = 0n; i < this.input.logSize; i++) {
      const leaf = await this.leaves.peek();
      if (!leaf || leaf.leafIndex !== i) throw new AuditFailed({ kind: 'stored-hash-missing', level: 0, index: i });
      const { eventHash, position, event } = await this.checkLeaf(i, leaf);
      await this.leaves.next();
      await this.events.next();
      this.lastPosition = position;
      this.lastStoredLeafHash = leaf.hash;
      await this.append(eventHash);
      this.trails.add(event, eventHash);
      this.leavesDone = i + 1n;
      await this.checkCheckpointsUpTo(this.leavesDone);
    }
    const extraLeaf = await this.leaves.peek();
    if (extraLeaf) throw new AuditFailed({ kind: 'stored-hash-unexpected', level: 0, index: extraLeaf.leafIndex });
    const extraSubtree = await this.stored.peek();
    if (extraSubtree) throw new AuditFailed({ kind: 'stored-hash-unexpected', level: extraSubtree.level, index: extraSubtree.index });
    const eventsNotYetLogged = await this.countRemainingEvents();
    const beyond = await this.checkpoints.peek();
    if (beyond) throw new AuditFailed({ kind: 'log-shorter-than-checkpoint', logSize: this.input.logSize, size: beyond.size, signedAt: beyond.signedAt, eventsNotYetLogged });
    return {
      ok: true,
      logSize: this.input.logSize,
      eventsNotYetLogged,
      root: hex(this.root()),
      checkpointsVerified: this.checkpointsVerified,
      latestCheckpoint: this.lastMatching,
    };
  }

  failure(finding: AuditFinding): AuditReport {
    return { ok: false, logSize: this.input.logSize, checkpointsVerified: this.checkpointsVerified, latestCheckpoint: this.lastMatching, finding };
  }

  /** Checks the event at leaf i against the logged leaf; returns its recomputed leaf hash and position, or throws the finding. */
  private async checkLeaf(i: bigint, leaf: LoggedLeaf): Promise<{ eventHash: Uint8Array; position: bigint; event: LeafEvent }> {
    const stored = await this.events.peek();
    const expectedPosition = this.lastPosition + 1n;
    if (!stored) throw new AuditFailed({ kind: 'removed', leafIndex: i, expectedPosition, loggedEventId: leaf.eventId, count: Number(this.input.logSize - i) });
    if ('unreadable' in stored) {
      throw new AuditFailed({ kind: 'altered', leafIndex: i, afterPosition: stored.afterPosition, loggedEventId: leaf.eventId, detail: `it can no longer be read (${stored.unreadable})` });
    }
    const event = identity(stored);
    let eventHash: Uint8Array;
    try {
      eventHash = leafHash(encodeLeaf(stored.event));
    } catch (error) {
      throw new AuditFailed({ kind: 'altered', leafIndex: i, event, loggedEventId: leaf.eventId, detail: `it can no longer be encoded as a leaf (${(error as Error).message})` });
    }
    if (!leaf.hash) throw new AuditFailed({ kind: 'stored-hash-missing', level: 0, index: i });
    if (stored.event.eventId === leaf.eventId) {
      if (sameHash(eventHash, leaf.hash)) return { eventHash, position: stored.position, event: stored.event };
      return this.alteredOrLeafHashEdited(i, leaf, event, eventHash);
    }
    if (sameHash(eventHash, leaf.hash)) throw new AuditFailed({ kind: 'leaf-record-edited', leafIndex: i, loggedEventId: leaf.eventId, event });
    throw new AuditFailed(await this.classifyMisplaced(i, leaf, event, expectedPosition));
  }

  /**
   * Same event id, different hash: either the event was altered, or someone edited the stored leaf
   * hash. The stored parent (or, for a last leaf without one, a checkpoint at its size) tells which:
   * it was computed from whatever the leaf hash was when the log was written.
   */
  private async alteredOrLeafHashEdited(i: bigint, leaf: LoggedLeaf, event: EventIdentity, eventHash: Uint8Array): Promise<never> {
    const altered: AuditFinding = {
      kind: 'altered',
      leafIndex: i,
      event,
      loggedEventId: leaf.eventId,
      detail: `it hashes to ${hex(eventHash)} but the log recorded ${hex(leaf.hash!)}`,
    };
    const leafHashEdited: AuditFinding = { kind: 'stored-hash-edited', level: 0, index: i, stored: hex(leaf.hash!), recomputed: hex(eventHash), eventId: leaf.eventId };
    const parentKey = { level: 1, index: i >> 1n };
    if (lastLeafOf(parentKey) < this.input.logSize) {
      const siblingStored = i % 2n === 1n ? this.lastStoredLeafHash : (await this.leaves.peek(1))?.hash;
      const storedParent = await this.findStoredSubtree(parentKey);
      if (storedParent && siblingStored) {
        const [fromStoredLeaf, fromEvent] = i % 2n === 1n ? [nodeHash(siblingStored, leaf.hash!), nodeHash(siblingStored, eventHash)] : [nodeHash(leaf.hash!, siblingStored), nodeHash(eventHash, siblingStored)];
        if (sameHash(storedParent, fromEvent) && !sameHash(storedParent, fromStoredLeaf)) throw new AuditFailed(leafHashEdited);
      }
      throw new AuditFailed(altered);
    }
    // The last leaf, with no stored parent yet: a checkpoint at the log's size decides.
    const checkpoint = await this.checkpoints.peek();
    if (checkpoint?.size === i + 1n) {
      const opened = this.opened(checkpoint);
      if ('root' in opened && sameHash(opened.root, this.rootWith(eventHash))) throw new AuditFailed(leafHashEdited);
    }
    throw new AuditFailed(altered);
  }

  /** The event at leaf i is not the one logged there: find each in the other sequence within the window. */
  private async classifyMisplaced(i: bigint, leaf: LoggedLeaf, event: EventIdentity, expectedPosition: bigint): Promise<AuditFinding> {
    let loggedAt: number | undefined; // offset of this event's id among the logged leaves from i
    for (let offset = 1; offset < this.window; offset++) {
      const ahead = await this.leaves.peek(offset);
      if (!ahead || ahead.leafIndex >= this.input.logSize) break;
      if (ahead.eventId === event.eventId) {
        loggedAt = offset;
        break;
      }
    }
    let nowAt: number | undefined; // offset of the logged event's id among the stored events from i
    for (let offset = 1; offset < this.window; offset++) {
      const ahead = await this.events.peek(offset);
      if (!ahead) break;
      if ('event' in ahead && ahead.event.eventId === leaf.eventId) {
        nowAt = offset;
        break;
      }
    }
    if (loggedAt !== undefined && nowAt !== undefined) return { kind: 'reordered', leafIndex: i, event, loggedAt: i + BigInt(loggedAt), loggedEventId: leaf.eventId };
    if (loggedAt !== undefined) return { kind: 'removed', leafIndex: i, expectedPosition, loggedEventId: leaf.eventId, count: loggedAt, nowAtPosition: event };
    if (nowAt !== undefined) return { kind: 'inserted', leafIndex: i, event, count: nowAt };
    return {
      kind: 'altered',
      leafIndex: i,
      event,
      loggedEventId: leaf.eventId,
      detail: `the log recorded event ${leaf.eventId ?? '(no id)'} at this leaf, and neither id is found within ${this.window} leaves and events of it`,
    };
  }

  /** Appends a leaf hash to the recomputed tree and checks every subtree it completes against the stored one. */
  private async append(hash: Uint8Array): Promise<void> {
    let node: SubtreeHash = { level: 0, index: this.leavesDone, hash };
    while (this.border.length > 0 && this.border[this.border.length - 1].level === node.level) {
      const left = this.border.pop()!;
      node = { level: node.level + 1, index: node.index >> 1n, hash: nodeHash(left.hash, node.hash) };
      await this.checkStoredSubtree(node);
    }
    this.border.push(node);
  }

  private async checkStoredSubtree(node: SubtreeHash): Promise<void> {
    const stored = await this.stored.peek();
    if (stored && completesBefore(stored, node)) throw new AuditFailed({ kind: 'stored-hash-unexpected', level: stored.level, index: stored.index });
    if (!stored || !sameKey(stored, node)) throw new AuditFailed({ kind: 'stored-hash-missing', level: node.level, index: node.index });
    if (!sameHash(stored.hash, node.hash)) throw new AuditFailed({ kind: 'stored-hash-edited', level: node.level, index: node.index, stored: hex(stored.hash), recomputed: hex(node.hash) });
    await this.stored.next();
  }

  /** The stored hash of `key`, looked for among the next few stored subtrees (it completes within one leaf). */
  private async findStoredSubtree(key: SubtreeKey): Promise<Uint8Array | undefined> {
    for (let offset = 0; ; offset++) {
      const stored = await this.stored.peek(offset);
      if (!stored || completesBefore(key, stored)) return undefined;
      if (sameKey(stored, key)) return stored.hash;
    }
  }

  /** Verifies every checkpoint up to `size` and compares it with the recomputed root at its size. */
  private async checkCheckpointsUpTo(size: bigint): Promise<void> {
    for (let checkpoint = await this.checkpoints.peek(); checkpoint && checkpoint.size <= size; checkpoint = await this.checkpoints.peek()) {
      await this.checkpoints.next();
      const opened = this.opened(checkpoint);
      if ('refused' in opened) throw new AuditFailed({ kind: 'checkpoint-invalid', size: checkpoint.size, signedAt: checkpoint.signedAt, reason: opened.refused });
      const recomputed = this.root();
      if (!sameHash(recomputed, opened.root)) {
        throw new AuditFailed({
          kind: 'checkpoint-mismatch',
          size: checkpoint.size,
          signedAt: checkpoint.signedAt,
          signedRoot: hex(opened.root),
          recomputedRoot: hex(recomputed),
          fromLeaf: this.lastMatching?.size ?? 0n,
          lastMatching: this.lastMatching,
        });
      }
      if (opened.trailMap !== undefined) {
        const map = this.trails.map();
        if (!sameHash(map.root, opened.trailMap.root) || map.size !== opened.trailMap.size) {
          throw new AuditFailed({
            kind: 'trail-map-mismatch',
            size: checkpoint.size,
            signedAt: checkpoint.signedAt,
            signed: `${hex(opened.trailMap.root)} (${opened.trailMap.size} gifts)`,
            recomputed: `${hex(map.root)} (${map.size} gifts)`,
          });
        }
      }
      this.checkpointsVerified++;
      this.lastMatching = { size: checkpoint.size, signedAt: checkpoint.signedAt };
    }
  }

  /** The root a checkpoint signed, or why it is refused: a signature that fails, or a note that does not fit the log. */
  private opened(checkpoint: StoredCheckpoint): { root: Uint8Array; trailMap?: TrailMapCommitment } | { refused: string } {
    try {
      const parsed = parseCheckpoint(openNote(checkpoint.note, [this.input.verifierKey]).text);
      if (parsed.size !== checkpoint.size) return { refused: `its note is of size ${parsed.size}, but it is stored as size ${checkpoint.size}` };
      if (this.input.origin !== undefined && parsed.origin !== this.input.origin) return { refused: `its origin is ${JSON.stringify(parsed.origin)}, not ${JSON.stringify(this.input.origin)}` };
      return { root: parsed.rootHash, trailMap: trailMapCommitmentOf(parsed) };
    } catch (error) {
      return { refused: (error as Error).message };
    }
  }

  /** MTH of the leaves so far: the border folded from the right. */
  private root(): Uint8Array {
    if (this.border.length === 0) return EMPTY_ROOT;
    return this.border.map((node) => node.hash).reduceRight((right, left) => nodeHash(left, right));
  }

  /** MTH of the leaves so far plus one more leaf, without appending it. */
  private rootWith(hash: Uint8Array): Uint8Array {
    return [...this.border.map((node) => node.hash), hash].reduceRight((right, left) => nodeHash(left, right));
  }

  private async countRemainingEvents(): Promise<bigint> {
    let count = 0n;
    while (await this.events.next()) count++;
    return count;
  }
}

function identity(stored: { position: bigint; event: LeafEvent }): EventIdentity {
  return { position: stored.position, eventId: stored.event.eventId, streamId: stored.event.streamId, revision: stored.event.revision };
}
