import { SubtreeHash, SubtreeHashStore, SubtreeKey, subtreeKeyId } from './subtree-hash-store';

export class InMemorySubtreeHashStore implements SubtreeHashStore {
  private readonly hashes = new Map<string, Uint8Array>();

  async get(keys: readonly SubtreeKey[]): Promise<Map<string, Uint8Array>> {
    const found = new Map<string, Uint8Array>();
    for (const key of keys) {
      const id = subtreeKeyId(key);
      const hash = this.hashes.get(id);
      if (hash) found.set(id, hash);
    }
    return found;
  }

  async put(entries: readonly SubtreeHash[]): Promise<void> {
    for (const entry of entries) this.hashes.set(subtreeKeyId(entry), entry.hash);
  }
}
