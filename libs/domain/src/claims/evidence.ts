import { InvalidCommand } from '../shared/errors';
import { assertText } from '../shared/text';

/** The kinds of file a claim's evidence may be: photographs and scanned documents. */
export const EVIDENCE_MEDIA_TYPES = ['application/pdf', 'image/jpeg', 'image/png', 'image/webp'] as const;
export type EvidenceMediaType = (typeof EVIDENCE_MEDIA_TYPES)[number];
/** Largest evidence file, in bytes. */
export const MAX_EVIDENCE_BYTES = 10 * 1024 * 1024;
/** Files one claim may carry. */
export const MAX_EVIDENCE_FILES = 20;

/**
 * One evidence file of a claim, as the log records it: its name, and the SHA-256 of its bytes, so
 * the Merkle log proves which evidence the claim was decided on (the bytes stay in the evidence store,
 * never in the log).
 */
export interface EvidenceFile {
  name: string;
  sha256: string;
  mediaType: EvidenceMediaType;
  size: number;
}

export function assertEvidenceFile(file: EvidenceFile, field: string): void {
  assertText(file.name, `${field}.name`);
  if (file.name.length > 200) throw new InvalidCommand(`${field}.name`, 'must be at most 200 characters');
  if (!/^[0-9a-f]{64}$/.test(file.sha256)) throw new InvalidCommand(`${field}.sha256`, 'must be a SHA-256 in 64 lower-case hexadecimal digits');
  if (!(EVIDENCE_MEDIA_TYPES as readonly string[]).includes(file.mediaType)) throw new InvalidCommand(`${field}.mediaType`, `must be one of ${EVIDENCE_MEDIA_TYPES.join(', ')}`);
  if (!Number.isSafeInteger(file.size) || file.size < 1 || file.size > MAX_EVIDENCE_BYTES) throw new InvalidCommand(`${field}.size`, `must be 1 to ${MAX_EVIDENCE_BYTES} bytes`);
}
