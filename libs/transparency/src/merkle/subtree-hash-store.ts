/**
 * A complete subtree of the log: the 2^level leaves starting at leaf index * 2^level.
 * Level 0 holds the leaf hashes themselves.
 */
export interface SubtreeKey {
  readonly level: number;
  readonly index: bigint;
}

export interface SubtreeHash extends SubtreeKey {
  readonly hash: Uint8Array;
}

/**
 * Storage port for complete-subtree hashes (~2n rows for n leaves). Every proof needs only
 * O(log n) of them, so callers ask for all keys at once and a store can answer in one query.
 */
export interface SubtreeHashStore {
  /** Hashes found for `keys`, keyed by `subtreeKeyId`; missing keys are simply absent. */
  get(keys: readonly SubtreeKey[]): Promise<Map<string, Uint8Array>>;
  put(entries: readonly SubtreeHash[]): Promise<void>;
}

/** Map key for a subtree, since objects compare by identity. */
export function subtreeKeyId(key: SubtreeKey): string {
  return `${key.level}:${key.index}`;
}
