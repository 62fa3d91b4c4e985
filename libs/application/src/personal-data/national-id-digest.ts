import { createHmac } from 'node:crypto';

/**
 * The name of a national ID number's reservation stream (streams.nationalId, see
 * nationalIdDecider): a keyed digest, never the number, because the event log is replicated widely and
 * personal data live only sealed under their household's key. A plain hash would not do: an
 * 18-character ID has a few billion plausible values (region, birth date, sequence, check
 * character), so SHA-256 of one is reversed by enumeration in minutes. HMAC-SHA256 under a
 * platform secret (config nationalIdIndexKey) cannot be enumerated without that secret; the secret
 * must stay the same for the life of the registry, or numbers registered before a change would no
 * longer be found.
 */
export function nationalIdDigest(indexKey: Uint8Array, nationalId: string): string {
  return createHmac('sha256', indexKey).update(`pangolin/national-id/v1\u001f${nationalId}`).digest('hex');
}

