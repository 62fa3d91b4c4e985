/**
 * C2SP signed notes (c2sp.org/signed-note) with Ed25519 keys, following the parsing rules of Go's
 * golang.org/x/mod/sumdb/note so that notes signed here open there and vice versa.
 *
 *   <text ending in "\n">
 *   <blank line>
 *   — <key name> <base64(4-byte big-endian key id || 64-byte Ed25519 signature)>
 */
import { createHash, createPrivateKey, createPublicKey, KeyObject, randomBytes, sign, verify } from 'node:crypto';
import { decodeStandardBase64, encodeStandardBase64 } from './base64';

export type SignedNoteFailure =
  | 'invalid-key'
  | 'malformed-text'
  | 'malformed-note'
  | 'no-known-key'
  | 'bad-signature';

/** A key string, note or signature was refused; `failure` names the category, the message the detail. */
export class SignedNoteError extends Error {
  constructor(readonly failure: SignedNoteFailure, detail: string) {
    super(`${failure}: ${detail}`);
    this.name = 'SignedNoteError';
  }
}

export interface NoteSignerKey {
  readonly name: string;
  readonly keyId: number;
  readonly privateKey: KeyObject;
}

export interface NoteVerifierKey {
  readonly name: string;
  readonly keyId: number;
  readonly publicKey: KeyObject;
}

export interface OpenedNote {
  /** The signed text, ending in "\n". Trust it only because `verifiedBy` is non-empty. */
  readonly text: string;
  /** Names of the given verifier keys whose signatures verified, in note order. */
  readonly verifiedBy: readonly string[];
}

const ED25519_ALGORITHM = 0x01;
const ED25519_SIGNATURE_LENGTH = 64;
const SIGNATURE_LINE_PREFIX = '\u2014 ';
// Go's note.Open refuses more; it bounds the work an attacker-supplied note can cause.
const MAX_SIGNATURES = 100;
// DER wrappers that let node:crypto import raw 32-byte Ed25519 keys (RFC 8410).
const PKCS8_ED25519_SEED_PREFIX = Buffer.from('302e020100300506032b657004220420', 'hex');
const SPKI_ED25519_PREFIX = Buffer.from('302a300506032b6570032100', 'hex');

/** Key names: non-empty, no Unicode space, no '+' (the key-string separator). Lone surrogates are not UTF-8. */
export function isValidKeyName(name: string): boolean {
  return name !== '' && !/[\p{White_Space}+]|\p{Cs}/u.test(name);
}

/** Creates a fresh Ed25519 key pair and returns its signer (secret) and verifier (public) key strings. */
export function generateSignerKey(name: string): { signerKey: string; verifierKey: string } {
  assertValidName(name);
  const seed = randomBytes(32);
  const publicKey = rawPublicKey(privateKeyFromSeed(seed));
  const keyIdHex = formatKeyId(computeKeyId(name, publicKey));
  return {
    signerKey: `PRIVATE+KEY+${name}+${keyIdHex}+${encodeStandardBase64(withAlgorithm(seed))}`,
    verifierKey: `${name}+${keyIdHex}+${encodeStandardBase64(withAlgorithm(publicKey))}`,
  };
}

/** Parses `PRIVATE+KEY+<name>+<hex key id>+<base64(0x01 || 32-byte seed)>`, checking the id against the key. */
export function parseSignerKey(signerKey: string): NoteSignerKey {
  const [private1, private2, name, keyIdHex, keyBase64] = splitKeyString(signerKey, 5);
  if (private1 !== 'PRIVATE' || private2 !== 'KEY') {
    throw new SignedNoteError('invalid-key', 'signer key must start with PRIVATE+KEY+');
  }
  const { keyId, keyBytes } = parseKeyFields(name, keyIdHex, keyBase64, 'signer');
  const privateKey = privateKeyFromSeed(keyBytes);
  if (computeKeyId(name, rawPublicKey(privateKey)) !== keyId) {
    throw new SignedNoteError('invalid-key', `signer key id ${keyIdHex} does not match its name and key`);
  }
  return { name, keyId, privateKey };
}

/** The public verifier key that checks signatures made with `signerKey`. */
export function verifierKeyFor(signerKey: string | NoteSignerKey): string {
  const signer = typeof signerKey === 'string' ? parseSignerKey(signerKey) : signerKey;
  return `${signer.name}+${formatKeyId(signer.keyId)}+${encodeStandardBase64(withAlgorithm(rawPublicKey(signer.privateKey)))}`;
}

/** Parses `<name>+<hex key id>+<base64(0x01 || 32-byte public key)>`, checking the id against the key. */
export function parseVerifierKey(verifierKey: string): NoteVerifierKey {
  const [name, keyIdHex, keyBase64] = splitKeyString(verifierKey, 3);
  const { keyId, keyBytes } = parseKeyFields(name, keyIdHex, keyBase64, 'verifier');
  if (computeKeyId(name, keyBytes) !== keyId) {
    throw new SignedNoteError('invalid-key', `verifier key id ${keyIdHex} does not match its name and key`);
  }
  return { name, keyId, publicKey: publicKeyFromRaw(keyBytes) };
}

/**
 * The parsed form of a signer key string, remembered: parsing derives the key pair (createPrivateKey
 * and a public key export), which cost ten times the signature itself when every promise did it.
 */
function parsedSignerKey(signerKey: string): NoteSignerKey {
  let parsed = parsedSignerKeys.get(signerKey);
  if (parsed === undefined) {
    // A process signs with one key or a few; the bound only matters to a test that makes very many.
    if (parsedSignerKeys.size >= 16) parsedSignerKeys.clear();
    parsedSignerKeys.set(signerKey, (parsed = parseSignerKey(signerKey)));
  }
  return parsed;
}

const parsedSignerKeys = new Map<string, NoteSignerKey>();

/** Signs `text` (which must end in "\n") and returns the whole note: text, blank line, signature line. */
export function signNote(text: string, signerKey: string | NoteSignerKey): string {
  assertValidNoteCharacters(text, 'malformed-text', 'note text');
  if (!text.endsWith('\n')) throw new SignedNoteError('malformed-text', 'note text must end with a newline');
  const signer = typeof signerKey === 'string' ? parsedSignerKey(signerKey) : signerKey;
  const signature = sign(null, Buffer.from(text, 'utf8'), signer.privateKey);
  const keyIdBytes = Buffer.alloc(4);
  keyIdBytes.writeUInt32BE(signer.keyId);
  const signatureBase64 = encodeStandardBase64(Buffer.concat([keyIdBytes, signature]));
  return `${text}\n${SIGNATURE_LINE_PREFIX}${signer.name} ${signatureBase64}\n`;
}

/**
 * Verifies `note` against the trusted verifier keys and returns its text. Signatures by keys not in the
 * list are ignored (they may be witnesses or a rotated log key); a failing signature by a listed key
 * refuses the whole note, and so does a note that no listed key signed.
 * Bytes are decoded as strict UTF-8, because a lenient decoder would alter what the signature covers.
 */
export function openNote(
  note: string | Uint8Array,
  verifierKeys: ReadonlyArray<string | NoteVerifierKey>,
): OpenedNote {
  const { text, signatures } = splitNote(note);
  const knownKeys = indexVerifierKeys(verifierKeys);
  const signedBytes = Buffer.from(text, 'utf8');
  const verifiedBy: string[] = [];
  const verifiedKeys = new Set<string>();
  for (const { name, keyId, signature } of signatures) {
    const lookup = keyLookup(name, keyId);
    const verifier = knownKeys.get(lookup);
    // Like Go, only the first signature per known key counts; repeats are skipped, not re-checked.
    if (verifier === undefined || verifiedKeys.has(lookup)) continue;
    const valid =
      signature.length === ED25519_SIGNATURE_LENGTH && verify(null, signedBytes, verifier.publicKey, signature);
    if (!valid) {
      throw new SignedNoteError('bad-signature', `signature by ${name}+${formatKeyId(keyId)} does not verify`);
    }
    verifiedKeys.add(lookup);
    verifiedBy.push(name);
  }
  if (verifiedBy.length === 0) {
    throw new SignedNoteError('no-known-key', 'the note carries no signature by any of the given verifier keys');
  }
  return { text, verifiedBy };
}

/** One signature line of a note: key name, key id, and the bytes after the key id. */
export interface NoteSignature {
  readonly name: string;
  readonly keyId: number;
  readonly signature: Uint8Array;
  /** The line as written, without its newline. */
  readonly line: string;
}

/**
 * Splits a note into its text and its parsed signature lines, checking only the note's shape
 * (strict UTF-8, no control characters, blank line, at most 100 well-formed signature lines).
 */
export function splitNote(note: string | Uint8Array): { text: string; signatures: NoteSignature[] } {
  const noteText = typeof note === 'string' ? note : decodeUtf8(note);
  assertValidNoteCharacters(noteText, 'malformed-note', 'note');

  // The text may itself contain blank lines, so the last one separates it from the signatures.
  const separator = noteText.lastIndexOf('\n\n');
  if (separator < 0) throw new SignedNoteError('malformed-note', 'no blank line before the signatures');
  const text = noteText.slice(0, separator + 1);
  const signatureBlock = noteText.slice(separator + 2);
  if (signatureBlock === '' || !signatureBlock.endsWith('\n')) {
    throw new SignedNoteError('malformed-note', 'signature lines must follow the blank line, each ending in a newline');
  }
  const signatureLines = signatureBlock.slice(0, -1).split('\n');
  if (signatureLines.length > MAX_SIGNATURES) {
    throw new SignedNoteError('malformed-note', `more than ${MAX_SIGNATURES} signatures`);
  }
  return { text, signatures: signatureLines.map((line) => ({ ...parseSignatureLine(line), line })) };
}

function parseSignatureLine(line: string): { name: string; keyId: number; signature: Uint8Array } {
  if (!line.startsWith(SIGNATURE_LINE_PREFIX)) {
    throw new SignedNoteError('malformed-note', `signature line must start with "\u2014 ": ${JSON.stringify(line)}`);
  }
  const rest = line.slice(SIGNATURE_LINE_PREFIX.length);
  const space = rest.indexOf(' ');
  const name = space < 0 ? rest : rest.slice(0, space);
  const decoded = space < 0 ? undefined : decodeStandardBase64(rest.slice(space + 1));
  // A key id and at least one signature byte.
  if (!isValidKeyName(name) || decoded === undefined || decoded.length < 5) {
    throw new SignedNoteError('malformed-note', `malformed signature line: ${JSON.stringify(line)}`);
  }
  const keyId = Buffer.from(decoded.buffer, decoded.byteOffset, 4).readUInt32BE(0);
  return { name, keyId, signature: decoded.subarray(4) };
}

function indexVerifierKeys(verifierKeys: ReadonlyArray<string | NoteVerifierKey>): Map<string, NoteVerifierKey> {
  const keys = new Map<string, NoteVerifierKey>();
  for (const given of verifierKeys) {
    const key = typeof given === 'string' ? parseVerifierKey(given) : given;
    const lookup = keyLookup(key.name, key.keyId);
    const existing = keys.get(lookup);
    // Two different keys under one name and id would make the outcome depend on list order.
    if (existing !== undefined && !existing.publicKey.equals(key.publicKey)) {
      throw new SignedNoteError('invalid-key', `two different verifier keys share ${lookup}`);
    }
    keys.set(lookup, key);
  }
  return keys;
}

/** Splits a key string into `fieldCount` '+'-separated fields (the last, base64, may itself hold '+'). */
export function splitKeyString(keyString: string, fieldCount: number): string[] {
  // Only the last field is base64, the one field that may itself contain '+'.
  const fields = keyString.split('+');
  if (fields.length < fieldCount) {
    throw new SignedNoteError('invalid-key', `key string must have ${fieldCount} '+'-separated fields`);
  }
  return [...fields.slice(0, fieldCount - 1), fields.slice(fieldCount - 1).join('+')];
}

/** Checks a key string's name, hex key id and base64 key material (algorithm byte + 32 bytes); returns the id and the 32 bytes. */
export function parseKeyFields(
  name: string,
  keyIdHex: string,
  keyBase64: string,
  role: string,
  algorithm: { byte: number; name: string } = { byte: ED25519_ALGORITHM, name: 'Ed25519' },
): { keyId: number; keyBytes: Buffer } {
  assertValidName(name);
  if (!/^[0-9a-fA-F]{8}$/.test(keyIdHex)) {
    throw new SignedNoteError('invalid-key', `${role} key id must be 8 hex digits, got ${JSON.stringify(keyIdHex)}`);
  }
  const key = decodeStandardBase64(keyBase64);
  if (key === undefined || key.length === 0) {
    throw new SignedNoteError('invalid-key', `${role} key material is not standard base64`);
  }
  const expected = algorithm.byte.toString(16).padStart(2, '0');
  if (key[0] !== algorithm.byte) {
    const given = key[0].toString(16).padStart(2, '0');
    throw new SignedNoteError('invalid-key', `${role} key algorithm 0x${given} is not ${algorithm.name} (0x${expected})`);
  }
  if (key.length !== 33) {
    throw new SignedNoteError('invalid-key', `${role} key must be 0x${expected} followed by 32 bytes, got ${key.length - 1}`);
  }
  return { keyId: Number.parseInt(keyIdHex, 16), keyBytes: Buffer.from(key.subarray(1)) };
}

export function assertValidName(name: string): void {
  if (!isValidKeyName(name)) {
    const quoted = JSON.stringify(name);
    throw new SignedNoteError('invalid-key', `key name ${quoted} must be non-empty without spaces or '+'`);
  }
}

/** Notes are UTF-8 with no ASCII control characters other than newline. */
function assertValidNoteCharacters(value: string, failure: SignedNoteFailure, what: string): void {
  if (/[\u0000-\u0009\u000b-\u001f]|\p{Cs}/u.test(value)) {
    throw new SignedNoteError(failure, `${what} contains a control character or invalid UTF-8`);
  }
}

function decodeUtf8(bytes: Uint8Array): string {
  try {
    // ignoreBOM keeps a leading U+FEFF as text instead of silently dropping signed bytes.
    return new TextDecoder('utf-8', { fatal: true, ignoreBOM: true }).decode(bytes);
  } catch {
    throw new SignedNoteError('malformed-note', 'note is not valid UTF-8');
  }
}

/** First four bytes, big-endian, of SHA-256(name || "\n" || algorithm || public key). */
export function computeKeyId(name: string, publicKey: Uint8Array, algorithm = ED25519_ALGORITHM): number {
  const digest = createHash('sha256').update(name, 'utf8').update('\n').update(withAlgorithm(publicKey, algorithm)).digest();
  return digest.readUInt32BE(0);
}

/** The Ed25519 private key of a 32-byte seed. */
export function privateKeyFromSeed(seed: Uint8Array): KeyObject {
  return createPrivateKey({ key: Buffer.concat([PKCS8_ED25519_SEED_PREFIX, seed]), format: 'der', type: 'pkcs8' });
}

/** The 32 raw bytes of the Ed25519 public key of `privateKey`. */
export function rawPublicKey(privateKey: KeyObject): Buffer {
  const spki = createPublicKey(privateKey).export({ format: 'der', type: 'spki' });
  return spki.subarray(SPKI_ED25519_PREFIX.length);
}

/** The Ed25519 public key object of 32 raw bytes. */
export function publicKeyFromRaw(keyBytes: Uint8Array): KeyObject {
  return createPublicKey({ key: Buffer.concat([SPKI_ED25519_PREFIX, keyBytes]), format: 'der', type: 'spki' });
}

export function withAlgorithm(key: Uint8Array, algorithm = ED25519_ALGORITHM): Buffer {
  return Buffer.concat([Buffer.of(algorithm), key]);
}

/** A key id as written in key strings: 8 lowercase hex digits. */
export function formatKeyId(keyId: number): string {
  return keyId.toString(16).padStart(8, '0');
}

function keyLookup(name: string, keyId: number): string {
  return `${name}+${formatKeyId(keyId)}`;
}
