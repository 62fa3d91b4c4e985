/*
 * Sealing and opening a household's personal data (SealedPersonalData, which the domain carries):
 * the cipher and its random iv and keys live here, outside the pure deciders.
 */
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { isSealedPersonalData, PERSONAL_DATA_SEAL, type HouseholdPersonalData, type SealedPersonalData } from '@pangolin/domain';

const KEY_BYTES = 32;
const IV_BYTES = 12;
const TAG_BYTES = 16;

/** The sealed data does not open with this key for this household: wrong key, wrong household or tampered bytes. */
export class PersonalDataUnsealFailed extends Error {
  constructor(readonly householdId: string, reason: string) {
    super(`personal data of household ${householdId} does not open: ${reason}`);
  }
}

export function sealPersonalData(personal: HouseholdPersonalData, key: Uint8Array, householdId: string): SealedPersonalData {
  assertKey(key);
  const iv = randomBytes(IV_BYTES);
  const cipher = createCipheriv('aes-256-gcm', key, iv, { authTagLength: TAG_BYTES });
  cipher.setAAD(additionalData(householdId));
  const ciphertext = Buffer.concat([cipher.update(JSON.stringify(personal), 'utf8'), cipher.final()]);
  return { sealed: PERSONAL_DATA_SEAL, iv: iv.toString('base64'), ciphertext: ciphertext.toString('base64'), tag: cipher.getAuthTag().toString('base64') };
}

export function openPersonalData(sealed: SealedPersonalData, key: Uint8Array, householdId: string): HouseholdPersonalData {
  assertKey(key);
  if (!isSealedPersonalData(sealed)) throw new PersonalDataUnsealFailed(householdId, `not sealed as ${PERSONAL_DATA_SEAL}`);
  const iv = Buffer.from(sealed.iv, 'base64');
  const tag = Buffer.from(sealed.tag, 'base64');
  if (iv.length !== IV_BYTES) throw new PersonalDataUnsealFailed(householdId, `iv must be ${IV_BYTES} bytes`);
  if (tag.length !== TAG_BYTES) throw new PersonalDataUnsealFailed(householdId, `tag must be ${TAG_BYTES} bytes`);
  const decipher = createDecipheriv('aes-256-gcm', key, iv, { authTagLength: TAG_BYTES });
  decipher.setAAD(additionalData(householdId));
  decipher.setAuthTag(tag);
  let plaintext: Buffer;
  try {
    plaintext = Buffer.concat([decipher.update(Buffer.from(sealed.ciphertext, 'base64')), decipher.final()]);
  } catch {
    throw new PersonalDataUnsealFailed(householdId, 'authentication failed (wrong key, wrong household or altered data)');
  }
  return JSON.parse(plaintext.toString('utf8')) as HouseholdPersonalData;
}

/** A fresh random key for one household. */
export function newPersonalDataKey(): Buffer {
  return randomBytes(KEY_BYTES);
}

function assertKey(key: Uint8Array): void {
  if (key.length !== KEY_BYTES) throw new RangeError(`a personal data key must be ${KEY_BYTES} bytes, got ${key.length}`);
}

function additionalData(householdId: string): Buffer {
  return Buffer.from(`${PERSONAL_DATA_SEAL}\u001fhousehold\u001f${householdId}`, 'utf8');
}
