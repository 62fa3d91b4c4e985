export const PERSONAL_DATA_SEAL = 'aes-256-gcm/1';

/**
 * A household's personal data as the event log records it: AES-256-GCM under the household's own
 * key, with the household id as additional authenticated data (a ciphertext moved to another
 * household's event does not open). Base64 fields keep it JSON-safe, so the Merkle leaf of the
 * event covers exactly these bytes. Destroying the key erases the data for good without touching
 * the event. The domain only carries it: sealing and opening (the cipher, the random iv) are the
 * application's (libs/application/src/personal-data/personal-data-seal.ts).
 */
export interface SealedPersonalData {
  sealed: typeof PERSONAL_DATA_SEAL;
  iv: string;
  ciphertext: string;
  tag: string;
}

export function isSealedPersonalData(value: unknown): value is SealedPersonalData {
  if (typeof value !== 'object' || value === null) return false;
  const candidate = value as Record<string, unknown>;
  return candidate.sealed === PERSONAL_DATA_SEAL && typeof candidate.iv === 'string' && typeof candidate.ciphertext === 'string' && typeof candidate.tag === 'string';
}
