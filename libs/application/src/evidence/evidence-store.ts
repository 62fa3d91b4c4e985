import { createHash, randomBytes } from 'node:crypto';
import { closeSync, fsyncSync, mkdirSync, openSync, readFileSync, renameSync, statSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { EVIDENCE_MEDIA_TYPES, type EvidenceMediaType } from '@pangolin/domain';

/** What the store holds for a SHA-256: the file intact, a file whose bytes no longer hash to it (altered), or nothing. */
export type EvidenceRead = { status: 'intact'; bytes: Buffer; mediaType: EvidenceMediaType } | { status: 'altered'; actualSha256: string } | { status: 'missing' };

/**
 * Claim evidence, stored by the SHA-256 of its bytes (content-addressed): the claim's events record
 * the hash, so the Merkle log proves which file a claim was decided on, and a file changed after
 * upload no longer matches it. Storing the same bytes twice stores them once.
 */
export interface EvidenceStore {
  put(bytes: Uint8Array): Promise<{ sha256: string; size: number; mediaType: EvidenceMediaType }>;
  read(sha256: string): Promise<EvidenceRead>;
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

/**
 * The embedded evidence store: a folder, each file at `<first two hex digits>/<sha256>`. A file is
 * written beside its place, synced, then renamed into it (and the folder synced), so a crash
 * leaves either the whole file or none, and an acknowledged upload survives.
 */
export class FolderEvidenceStore implements EvidenceStore {
  constructor(private readonly folder: string) {
    mkdirSync(folder, { recursive: true });
  }

  async put(bytes: Uint8Array): Promise<{ sha256: string; size: number; mediaType: EvidenceMediaType }> {
    const mediaType = sniffEvidenceType(bytes);
    if (!mediaType) throw new Error(`evidence must be one of ${EVIDENCE_MEDIA_TYPES.join(', ')}`);
    const sha256 = sha256Hex(bytes);
    const { directory, path } = this.placeOf(sha256);
    const existing = await this.read(sha256);
    if (existing.status === 'intact') return { sha256, size: bytes.length, mediaType };
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
    return { sha256, size: bytes.length, mediaType };
  }

  async read(sha256: string): Promise<EvidenceRead> {
    if (!/^[0-9a-f]{64}$/.test(sha256)) return { status: 'missing' };
    const { path } = this.placeOf(sha256);
    try {
      if (!statSync(path).isFile()) return { status: 'missing' };
    } catch {
      return { status: 'missing' };
    }
    const bytes = readFileSync(path);
    const actualSha256 = sha256Hex(bytes);
    if (actualSha256 !== sha256) return { status: 'altered', actualSha256 };
    const mediaType = sniffEvidenceType(bytes);
    return mediaType ? { status: 'intact', bytes, mediaType } : { status: 'altered', actualSha256 };
  }

  private placeOf(sha256: string): { directory: string; path: string } {
    const directory = join(this.folder, sha256.slice(0, 2));
    return { directory, path: join(directory, sha256) };
  }
}
