import { createHash, randomBytes } from 'node:crypto';
import { closeSync, fsyncSync, mkdirSync, openSync, readFileSync, renameSync, statSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { EVIDENCE_MEDIA_TYPES, MAX_EVIDENCE_BYTES, type EvidenceMediaType } from '@pangolin/domain';

/** What the store holds for a SHA-256: the file intact, a file whose bytes no longer hash to it (altered), or nothing. */
export type EvidenceRead = { status: 'intact'; bytes: Buffer; mediaType: EvidenceMediaType } | { status: 'altered'; actualSha256: string } | { status: 'missing' };

/** What storing a file answers: its SHA-256 (the name a claim gives it), its size and its kind. */
export type StoredEvidence = { sha256: string; size: number; mediaType: EvidenceMediaType };

/**
 * Claim evidence, stored by the SHA-256 of its bytes (content-addressed): the claim's events record
 * the hash, so the Merkle log proves which file a claim was decided on, and a file changed after
 * upload no longer matches it. Storing the same bytes twice stores them once; storing them again
 * over an altered copy puts the intact bytes back. Adapters: FolderEvidenceStore (embedded) and
 * S3EvidenceStore; both pass the contract suite in evidence-store.contract.ts.
 */
export interface EvidenceStore {
  /** Stores a PDF, JPEG, PNG or WebP file of at most MAX_EVIDENCE_BYTES; throws for anything else. */
  put(bytes: Uint8Array): Promise<StoredEvidence>;
  /** The file stored under `sha256`, checked against it; `missing` also for anything not 64 lower-case hex digits. */
  read(sha256: string): Promise<EvidenceRead>;
  /** Lets go of what the store holds open (an S3 client's connections), if anything. */
  close?(): void;
}

/** The file's kind from its first bytes (not from what the uploader claims), or undefined if it is none of the kinds evidence may be. */
export function sniffEvidenceType(bytes: Uint8Array): EvidenceMediaType | undefined {
  const starts = (...signature: number[]) => signature.every((byte, i) => bytes[i] === byte);
  if (starts(0x25, 0x50, 0x44, 0x46, 0x2d)) return 'application/pdf'; // %PDF-
  if (starts(0xff, 0xd8, 0xff)) return 'image/jpeg';
  if (starts(0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a)) return 'image/png';
  if (starts(0x52, 0x49, 0x46, 0x46) && bytes[8] === 0x57 && bytes[9] === 0x45 && bytes[10] === 0x42 && bytes[11] === 0x50) return 'image/webp'; // RIFF....WEBP
  return undefined;
}

export function sha256Hex(bytes: Uint8Array): string {
  return createHash('sha256').update(bytes).digest('hex');
}

/** Whether `sha256` can name a stored file: 64 lower-case hexadecimal digits (so never a path). */
export function isSha256Hex(sha256: string): boolean {
  return /^[0-9a-f]{64}$/.test(sha256);
}

/** What `put` stores, checked the same by every adapter: its kind from its first bytes, and its size. */
export function evidenceToStore(bytes: Uint8Array): StoredEvidence {
  const mediaType = sniffEvidenceType(bytes);
  if (!mediaType) throw new Error(`evidence must be one of ${EVIDENCE_MEDIA_TYPES.join(', ')}`);
  if (bytes.length > MAX_EVIDENCE_BYTES) throw new Error(`evidence must be at most ${MAX_EVIDENCE_BYTES} bytes, got ${bytes.length}`);
  return { sha256: sha256Hex(bytes), size: bytes.length, mediaType };
}

/**
 * The verdict on bytes read back from a store under `sha256`: intact only if they still hash to it
 * and are still a kind evidence may be. `actualSha256` is their hash when the caller has it already.
 */
export function judgeStoredEvidence(sha256: string, bytes: Buffer, actualSha256 = sha256Hex(bytes)): EvidenceRead {
  if (actualSha256 !== sha256) return { status: 'altered', actualSha256 };
  const mediaType = sniffEvidenceType(bytes);
  return mediaType ? { status: 'intact', bytes, mediaType } : { status: 'altered', actualSha256 };
}

/**
 * The embedded evidence store: a folder, each file at `<first two hex digits>/<sha256>`. A file is
 * written beside its place, synced, then renamed into it (and the folder synced), so a crash
 * leaves either the whole file or none, and an acknowledged upload survives.
 */
export class FolderEvidenceStore implements EvidenceStore {
  constructor(private readonly folder: string) {
    mkdirSync(folder, { recursive: true });
  }

  async put(bytes: Uint8Array): Promise<StoredEvidence> {
    const stored = evidenceToStore(bytes);
    const { sha256 } = stored;
    const { directory, path } = this.placeOf(sha256);
    const existing = await this.read(sha256);
    if (existing.status === 'intact') return stored;
    mkdirSync(directory, { recursive: true });
    const temporary = join(directory, `.${sha256}.${randomBytes(6).toString('hex')}.part`);
    const fd = openSync(temporary, 'wx');
    try {
      for (let written = 0; written < bytes.length; ) written += writeSync(fd, bytes, written);
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    renameSync(temporary, path);
    const folder = openSync(directory, 'r');
    try {
      fsyncSync(folder);
    } finally {
      closeSync(folder);
    }
    return stored;
  }

  async read(sha256: string): Promise<EvidenceRead> {
    if (!isSha256Hex(sha256)) return { status: 'missing' };
    const { path } = this.placeOf(sha256);
    try {
      if (!statSync(path).isFile()) return { status: 'missing' };
    } catch {
      return { status: 'missing' };
    }
    return judgeStoredEvidence(sha256, readFileSync(path));
  }

  private placeOf(sha256: string): { directory: string; path: string } {
    const directory = join(this.folder, sha256.slice(0, 2));
    return { directory, path: join(directory, sha256) };
  }
}
