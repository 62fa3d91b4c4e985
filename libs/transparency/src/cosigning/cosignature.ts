/**
 * C2SP tlog-cosignature (c2sp.org/tlog-cosignature), Ed25519 flavour: a witness's note signature on
 * a checkpoint, saying "as of <time>, this is the largest consistent tree I have seen of this log".
 *
 *   key id    = SHA-256(<name> || "\n" || 0x04 || 32-byte Ed25519 public key)[:4]
 *   signature = base64(key id || u64 big-endian timestamp || Ed25519 signature)
 *   signed    = "cosignature/v1\n" || "time <timestamp>\n" || <checkpoint note text>
 *
 * Key strings follow the signed-note vkey form with algorithm byte 0x04:
 * `<name>+<hex id>+<base64(0x04 || public key)>`, and `PRIVATE+KEY+<name>+<hex id>+<base64(0x04 || seed)>`
 * for the secret (as golang.org/x/mod/sumdb/note-based witnesses write them).
 */
import { randomBytes, sign, verify, type KeyObject } from 'node:crypto';
import { encodeStandardBase64 } from '../signed-note/base64';
import {
  assertValidName,
  computeKeyId,
  formatKeyId,
  parseKeyFields,
  privateKeyFromSeed,
  publicKeyFromRaw,
  rawPublicKey,
  SignedNoteError,
  splitKeyString,
  splitNote,
  withAlgorithm,
} from '../signed-note/signed-note';

export const COSIGNATURE_V1_ALGORITHM = 0x04;
const ALGORITHM = { byte: COSIGNATURE_V1_ALGORITHM, name: 'Ed25519 cosignature/v1' };
const TIMESTAMP_LENGTH = 8;
const ED25519_SIGNATURE_LENGTH = 64;
const MAX_TIMESTAMP = 2n ** 63n - 1n;

export interface CosignerKey {
  readonly name: string;
  readonly keyId: number;
  readonly privateKey: KeyObject;
}

export interface CosignerVerifierKey {
  readonly name: string;
  readonly keyId: number;
  readonly publicKey: KeyObject;
  /** The key string it was parsed from (or would be written as). */
  readonly verifierKey: string;
}

export interface VerifiedCosignature {
  readonly name: string;
  readonly keyId: number;
  /** POSIX seconds at which the witness cosigned. */
  readonly timestamp: bigint;
  /** The verifier key string that checked it. */
  readonly verifierKey: string;
}

/** A fresh witness key pair: the secret signer key string and the public verifier key string. */
export function generateCosignerKey(name: string): { signerKey: string; verifierKey: string } {
  assertValidName(name);
  const seed = randomBytes(32);
  const publicKey = rawPublicKey(privateKeyFromSeed(seed));
  const keyIdHex = formatKeyId(computeKeyId(name, publicKey, COSIGNATURE_V1_ALGORITHM));
  return {
    signerKey: `PRIVATE+KEY+${name}+${keyIdHex}+${encodeStandardBase64(withAlgorithm(seed, COSIGNATURE_V1_ALGORITHM))}`,
    verifierKey: `${name}+${keyIdHex}+${encodeStandardBase64(withAlgorithm(publicKey, COSIGNATURE_V1_ALGORITHM))}`,
  };
}

/** Parses `PRIVATE+KEY+<name>+<hex id>+<base64(0x04 || seed)>`, checking the id against the key. */
export function parseCosignerKey(signerKey: string): CosignerKey {
  const [private1, private2, name, keyIdHex, keyBase64] = splitKeyString(signerKey.trim(), 5);
  if (private1 !== 'PRIVATE' || private2 !== 'KEY') {
    throw new SignedNoteError('invalid-key', 'witness signer key must start with PRIVATE+KEY+');
  }
  const { keyId, keyBytes } = parseKeyFields(name, keyIdHex, keyBase64, 'witness signer', ALGORITHM);
  const privateKey = privateKeyFromSeed(keyBytes);
  if (computeKeyId(name, rawPublicKey(privateKey), COSIGNATURE_V1_ALGORITHM) !== keyId) {
    throw new SignedNoteError('invalid-key', `witness signer key id ${keyIdHex} does not match its name and key`);
  }
  return { name, keyId, privateKey };
}

/** The public verifier key string of a witness signer key. */
export function cosignerVerifierKeyFor(signerKey: string | CosignerKey): string {
  const signer = typeof signerKey === 'string' ? parseCosignerKey(signerKey) : signerKey;
  const publicKey = withAlgorithm(rawPublicKey(signer.privateKey), COSIGNATURE_V1_ALGORITHM);
  return `${signer.name}+${formatKeyId(signer.keyId)}+${encodeStandardBase64(publicKey)}`;
}

/** Parses `<name>+<hex id>+<base64(0x04 || public key)>`, checking the id against the key. */
export function parseCosignerVerifierKey(verifierKey: string): CosignerVerifierKey {
  const [name, keyIdHex, keyBase64] = splitKeyString(verifierKey, 3);
  const { keyId, keyBytes } = parseKeyFields(name, keyIdHex, keyBase64, 'witness verifier', ALGORITHM);
  if (computeKeyId(name, keyBytes, COSIGNATURE_V1_ALGORITHM) !== keyId) {
    throw new SignedNoteError('invalid-key', `witness verifier key id ${keyIdHex} does not match its name and key`);
  }
  return { name, keyId, publicKey: publicKeyFromRaw(keyBytes), verifierKey };
}

/** A witness key given as its name and raw 32-byte Ed25519 public key (as Sigsum policies write keys, in hex). */
export function cosignerVerifierKeyFromRaw(name: string, publicKey: Uint8Array): CosignerVerifierKey {
  assertValidName(name);
  if (publicKey.length !== 32) throw new SignedNoteError('invalid-key', `an Ed25519 public key has 32 bytes, got ${publicKey.length}`);
  const keyId = computeKeyId(name, publicKey, COSIGNATURE_V1_ALGORITHM);
  const verifierKey = `${name}+${formatKeyId(keyId)}+${encodeStandardBase64(withAlgorithm(publicKey, COSIGNATURE_V1_ALGORITHM))}`;
  return { name, keyId, publicKey: publicKeyFromRaw(publicKey), verifierKey };
}

/** The message an Ed25519 cosignature/v1 signs: header line, time line, then the checkpoint's note text. */
export function cosignedMessage(checkpointText: string, timestamp: bigint): string {
  if (timestamp < 0n || timestamp > MAX_TIMESTAMP) throw new RangeError(`cosignature timestamp ${timestamp} is outside 0..2^63-1`);
  return `cosignature/v1\ntime ${timestamp.toString(10)}\n${checkpointText}`;
}

/** Cosigns a checkpoint's note text (without signature lines) at `timestamp`; returns the signature line with its newline. */
export function cosignCheckpoint(checkpointText: string, signer: CosignerKey, timestamp: bigint): string {
  const signature = sign(null, Buffer.from(cosignedMessage(checkpointText, timestamp), 'utf8'), signer.privateKey);
  const prefix = Buffer.alloc(4 + TIMESTAMP_LENGTH);
  prefix.writeUInt32BE(signer.keyId, 0);
  prefix.writeBigUInt64BE(timestamp, 4);
  return `\u2014 ${signer.name} ${encodeStandardBase64(Buffer.concat([prefix, signature]))}\n`;
}

/**
 * The cosignatures on `note` by the given witness keys that verify over the note's text. Signature
 * lines by other keys (the log's own, unknown witnesses) are ignored; a line by a listed witness
 * that does not verify is reported in `invalid` and does not count.
 */
export function verifyCosignatures(
  note: string | Uint8Array,
  witnessKeys: readonly CosignerVerifierKey[],
): { text: string; cosignedBy: VerifiedCosignature[]; invalid: string[] } {
  const { text, signatures } = splitNote(note);
  const byLookup = new Map(witnessKeys.map((key) => [`${key.name}+${formatKeyId(key.keyId)}`, key]));
  const cosignedBy: VerifiedCosignature[] = [];
  const invalid: string[] = [];
  const seen = new Set<string>();
  for (const { name, keyId, signature } of signatures) {
    const lookup = `${name}+${formatKeyId(keyId)}`;
    const key = byLookup.get(lookup);
    if (key === undefined || seen.has(lookup)) continue;
    seen.add(lookup);
    const timestamp = signature.length === TIMESTAMP_LENGTH + ED25519_SIGNATURE_LENGTH ? Buffer.from(signature).readBigUInt64BE(0) : undefined;
    const valid =
      timestamp !== undefined &&
      timestamp <= MAX_TIMESTAMP &&
      verify(null, Buffer.from(cosignedMessage(text, timestamp), 'utf8'), key.publicKey, signature.subarray(TIMESTAMP_LENGTH));
    if (valid) cosignedBy.push({ name, keyId, timestamp, verifierKey: key.verifierKey });
    else invalid.push(name);
  }
  return { text, cosignedBy, invalid };
}
