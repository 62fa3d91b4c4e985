import {
  generateSignerKey,
  openNote,
  parseSignerKey,
  parseVerifierKey,
  signNote,
  SignedNoteError,
  SignedNoteFailure,
  verifierKeyFor,
} from '@pangolin/transparency';

// Reference vector of Go's golang.org/x/mod/sumdb/note (signer key, text and signature quoted below).
const REFERENCE_SIGNER_KEY = 'PRIVATE+KEY+PeterNeumann+c74f20a3+AYEKFALVFGyNhPJEMzD1QIDr+Y7hfZx09iUvxdXHKDFz';
const REFERENCE_VERIFIER_KEY = 'PeterNeumann+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW';
const REFERENCE_TEXT =
  "If you think cryptography is the answer to your problem,\nthen you don't know what your problem is.\n";
const REFERENCE_SIGNATURE_LINE =
  '\u2014 PeterNeumann x08go/ZJkuBS9UG/SffcvIAQxVBtiFupLLr8pAcElZInNIuGUgYN1FFYC2pZSNXgKvqfqdngotpRZb6KE6RyyBwJnAM=\n';
const REFERENCE_NOTE = `${REFERENCE_TEXT}\n${REFERENCE_SIGNATURE_LINE}`;

function failureOf(action: () => unknown): { failure: SignedNoteFailure; message: string } {
  try {
    action();
  } catch (error) {
    if (error instanceof SignedNoteError) return { failure: error.failure, message: error.message };
    throw error;
  }
  throw new Error('expected a SignedNoteError, but nothing was thrown');
}

function signatureLineOf(note: string, text: string): string {
  return note.slice(text.length + 1);
}

describe('signed note reference vector', () => {
  it('signs the reference text into exactly the reference signature line', () => {
    expect(signNote(REFERENCE_TEXT, REFERENCE_SIGNER_KEY)).toBe(REFERENCE_NOTE);
  });

  it('opens the reference note with the reference verifier key', () => {
    expect(openNote(REFERENCE_NOTE, [REFERENCE_VERIFIER_KEY])).toEqual({
      text: REFERENCE_TEXT,
      verifiedBy: ['PeterNeumann'],
    });
    expect(openNote(Buffer.from(REFERENCE_NOTE, 'utf8'), [parseVerifierKey(REFERENCE_VERIFIER_KEY)]).text).toBe(
      REFERENCE_TEXT,
    );
  });

  it('parses the reference keys, including a signer key whose base64 contains "+"', () => {
    expect(parseSignerKey(REFERENCE_SIGNER_KEY)).toMatchObject({ name: 'PeterNeumann', keyId: 0xc74f20a3 });
    expect(parseVerifierKey(REFERENCE_VERIFIER_KEY)).toMatchObject({ name: 'PeterNeumann', keyId: 0xc74f20a3 });
  });

  it('refuses the note when any byte of the text is flipped', () => {
    const noteBytes = Buffer.from(REFERENCE_NOTE, 'utf8');
    for (let index = 0; index < REFERENCE_TEXT.length; index++) {
      const tampered = Buffer.from(noteBytes);
      tampered[index] ^= 0x01;
      const { failure, message } = failureOf(() => openNote(tampered, [REFERENCE_VERIFIER_KEY]));
      // A flipped newline becomes a control character, which is refused before any signature is checked.
      if (REFERENCE_TEXT[index] === '\n') {
        expect(failure).toBe('malformed-note');
      } else {
        expect(failure).toBe('bad-signature');
        expect(message).toContain('signature by PeterNeumann+c74f20a3 does not verify');
      }
    }
  });

  it('refuses the note when any byte of the signature is flipped', () => {
    const [, , encoded] = REFERENCE_SIGNATURE_LINE.trimEnd().split(' ');
    const decoded = Buffer.from(encoded, 'base64');
    for (let index = 0; index < decoded.length; index++) {
      const tampered = Buffer.from(decoded);
      tampered[index] ^= 0x01;
      const note = `${REFERENCE_TEXT}\n\u2014 PeterNeumann ${tampered.toString('base64')}\n`;
      const { failure, message } = failureOf(() => openNote(note, [REFERENCE_VERIFIER_KEY]));
      // The first four bytes are the key id: altered, they name a key nobody trusts.
      expect(failure).toBe(index < 4 ? 'no-known-key' : 'bad-signature');
      expect(message).toMatch(index < 4 ? /no signature by any of the given verifier keys/ : /does not verify/);
    }
  });
});

describe('signNote and openNote', () => {
  const text = 'pangolin.example/log\n42\n\nthe text may contain blank lines\n';

  it('round-trips with a freshly generated key', () => {
    const { signerKey, verifierKey } = generateSignerKey('pangolin.example/log');
    expect(signerKey).toMatch(/^PRIVATE\+KEY\+pangolin\.example\/log\+[0-9a-f]{8}\+[A-Za-z0-9+/]{44}$/);
    expect(verifierKey).toMatch(/^pangolin\.example\/log\+[0-9a-f]{8}\+[A-Za-z0-9+/]{44}$/);
    expect(verifierKey.split('+')[1]).toBe(signerKey.split('+')[3]);

    const note = signNote(text, signerKey);
    expect(note.startsWith(`${text}\n\u2014 pangolin.example/log `)).toBe(true);
    expect(openNote(note, [verifierKey])).toEqual({ text, verifiedBy: ['pangolin.example/log'] });
  });

  it('derives the verifier key from a signer key (the reference pair and a generated one)', () => {
    expect(verifierKeyFor(REFERENCE_SIGNER_KEY)).toBe(REFERENCE_VERIFIER_KEY);
    const { signerKey, verifierKey } = generateSignerKey('pangolin.example/log');
    expect(verifierKeyFor(signerKey)).toBe(verifierKey);
  });

  it('refuses a note signed only by an unknown key', () => {
    const note = signNote(text, generateSignerKey('stranger.example').signerKey);
    expect(failureOf(() => openNote(note, [REFERENCE_VERIFIER_KEY])).failure).toBe('no-known-key');
  });

  it('refuses a note signed by another key that shares the trusted name', () => {
    const impostor = generateSignerKey('PeterNeumann').signerKey;
    expect(failureOf(() => openNote(signNote(REFERENCE_TEXT, impostor), [REFERENCE_VERIFIER_KEY])).failure).toBe(
      'no-known-key',
    );
  });

  it('ignores signatures by unknown keys next to a valid known one', () => {
    const witness = generateSignerKey('witness.example');
    const note = `${REFERENCE_NOTE}${signatureLineOf(signNote(REFERENCE_TEXT, witness.signerKey), REFERENCE_TEXT)}`;
    expect(openNote(note, [REFERENCE_VERIFIER_KEY]).verifiedBy).toEqual(['PeterNeumann']);
    expect(openNote(note, [witness.verifierKey, REFERENCE_VERIFIER_KEY]).verifiedBy).toEqual([
      'PeterNeumann',
      'witness.example',
    ]);
  });

  it('refuses the whole note when one known key signature fails, even if another verifies', () => {
    const witness = generateSignerKey('witness.example');
    const otherTextNote = signNote('another text\n', witness.signerKey);
    const note = `${REFERENCE_NOTE}${signatureLineOf(otherTextNote, 'another text\n')}`;
    expect(failureOf(() => openNote(note, [REFERENCE_VERIFIER_KEY, witness.verifierKey])).failure).toBe(
      'bad-signature',
    );
  });

  it('refuses text that does not end in a newline or holds control characters', () => {
    expect(failureOf(() => signNote('no newline', REFERENCE_SIGNER_KEY)).message).toBe(
      'malformed-text: note text must end with a newline',
    );
    expect(failureOf(() => signNote('', REFERENCE_SIGNER_KEY)).failure).toBe('malformed-text');
    expect(failureOf(() => signNote('tab\there\n', REFERENCE_SIGNER_KEY)).failure).toBe('malformed-text');
    expect(failureOf(() => signNote('carriage\r\n', REFERENCE_SIGNER_KEY)).failure).toBe('malformed-text');
  });

  it.each([
    ['no blank line before the signatures', `${REFERENCE_TEXT}${REFERENCE_SIGNATURE_LINE}`],
    ['no signature lines', `${REFERENCE_TEXT}\n`],
    ['a signature line without final newline', REFERENCE_NOTE.slice(0, -1)],
    ['an ASCII hyphen instead of the em dash', REFERENCE_NOTE.replace('\u2014', '-')],
    ['a signature without its space', REFERENCE_NOTE.replace('PeterNeumann x08', 'PeterNeumannx08')],
    ['signature base64 that is not standard', REFERENCE_NOTE.replace('x08go/', 'x08go_')],
    ['a signature too short for a key id', `${REFERENCE_TEXT}\n\u2014 PeterNeumann AAAA\n`],
    ['a carriage return', REFERENCE_NOTE.replace('\n\n', '\r\n\n')],
    ['an empty signature line', `${REFERENCE_NOTE}\n`],
  ])('refuses a malformed note: %s', (_, note) => {
    expect(failureOf(() => openNote(note, [REFERENCE_VERIFIER_KEY])).failure).toBe('malformed-note');
  });

  it('refuses bytes that are not valid UTF-8', () => {
    const bytes = Buffer.concat([Buffer.from([0xff]), Buffer.from(REFERENCE_NOTE, 'utf8')]);
    expect(failureOf(() => openNote(bytes, [REFERENCE_VERIFIER_KEY])).message).toBe(
      'malformed-note: note is not valid UTF-8',
    );
  });

  it('refuses more than 100 signatures', () => {
    const unknownNote = signNote(REFERENCE_TEXT, generateSignerKey('a.example').signerKey);
    const unknownLine = signatureLineOf(unknownNote, REFERENCE_TEXT);
    const note = REFERENCE_NOTE + unknownLine.repeat(100);
    expect(failureOf(() => openNote(note, [REFERENCE_VERIFIER_KEY])).message).toContain('more than 100 signatures');
    expect(openNote(REFERENCE_NOTE + unknownLine.repeat(99), [REFERENCE_VERIFIER_KEY]).verifiedBy).toEqual([
      'PeterNeumann',
    ]);
  });
});

describe('key strings', () => {
  const publicKeyBase64 = 'ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW';
  // The same 32 key bytes behind algorithm byte 0x02 instead of 0x01.
  const algorithmTwoBase64 = 'Ahpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW';
  const base64urlKey = publicKeyBase64.replace('/', '_');

  it.each([
    ['a wrong key id', `PeterNeumann+c74f20a4+${publicKeyBase64}`, 'does not match its name and key'],
    ['a key id that is not 8 hex digits', `PeterNeumann+c74f20a+${publicKeyBase64}`, 'must be 8 hex digits'],
    ['another name', `PaulNeumann+c74f20a3+${publicKeyBase64}`, 'does not match its name and key'],
    ['a name with a space', `Peter Neumann+c74f20a3+${publicKeyBase64}`, 'without spaces'],
    ['an empty name', `+c74f20a3+${publicKeyBase64}`, 'must be non-empty'],
    ['a non-Ed25519 algorithm byte', `PeterNeumann+c74f20a3+${algorithmTwoBase64}`, '0x02 is not Ed25519'],
    ['a short key', `PeterNeumann+c74f20a3+${publicKeyBase64.slice(0, -4)}10Q=`, 'followed by 32 bytes'],
    ['key material that is not base64', `PeterNeumann+c74f20a3+${base64urlKey}`, 'not standard base64'],
    ['missing fields', 'PeterNeumann+c74f20a3', "3 '+'-separated fields"],
  ])('refuses a verifier key with %s', (_, key, expectedMessage) => {
    const { failure, message } = failureOf(() => parseVerifierKey(key));
    expect(failure).toBe('invalid-key');
    expect(message).toContain(expectedMessage);
  });

  it.each([
    ['a wrong key id', REFERENCE_SIGNER_KEY.replace('c74f20a3', 'c74f20a4'), 'does not match its name and key'],
    ['no PRIVATE+KEY prefix', REFERENCE_SIGNER_KEY.replace('PRIVATE+KEY+', 'SECRET+KEY+'), 'PRIVATE+KEY+'],
    ['a non-Ed25519 algorithm byte', REFERENCE_SIGNER_KEY.replace('+AYEK', '+AoEK'), 'not Ed25519'],
    ['a verifier key in its place', REFERENCE_VERIFIER_KEY, "5 '+'-separated fields"],
  ])('refuses a signer key with %s', (_, key, expectedMessage) => {
    const { failure, message } = failureOf(() => parseSignerKey(key));
    expect(failure).toBe('invalid-key');
    expect(message).toContain(expectedMessage);
  });

  it('refuses to generate a key for an invalid name', () => {
    expect(failureOf(() => generateSignerKey('a+b')).failure).toBe('invalid-key');
    expect(failureOf(() => generateSignerKey('a\u00a0b')).failure).toBe('invalid-key');
  });
});
