import { createHash, hash } from 'node:crypto';

/**
 * RFC 6962 §2.1 hashing with SHA-256. Leaves and nodes get distinct prefixes so that a leaf can
 * never pass for an inner node (second-preimage protection).
 */

export const HASH_SIZE = 32;

const LEAF_PREFIX = Uint8Array.of(0x00);
const NODE_PREFIX = Uint8Array.of(0x01);

/** MTH({}) = SHA-256 of the empty string. */
export const EMPTY_ROOT: Uint8Array = sha256();

/** MTH({d}) = SHA-256(0x00 || d). */
export function leafHash(data: Uint8Array): Uint8Array {
  return sha256(LEAF_PREFIX, data);
}

/** SHA-256(0x01 || left || right). */
export function nodeHash(left: Uint8Array, right: Uint8Array): Uint8Array {
  // Every appended leaf completes one node on average: one hash call over a reused buffer, not a Hash object fed three times.
  if (left.length !== HASH_SIZE || right.length !== HASH_SIZE) return sha256(NODE_PREFIX, left, right);
  nodeInput.set(left, 1);
  nodeInput.set(right, 1 + HASH_SIZE);
  return new Uint8Array(hash('sha256', nodeInput, 'buffer'));
}

/** 0x01 || left || right, rewritten for every node (nodeHash is synchronous). */
const nodeInput = Buffer.alloc(1 + 2 * HASH_SIZE, 0x01);

function sha256(...parts: Uint8Array[]): Uint8Array {
  const hash = createHash('sha256');
  for (const part of parts) hash.update(part);
  return new Uint8Array(hash.digest());
}
