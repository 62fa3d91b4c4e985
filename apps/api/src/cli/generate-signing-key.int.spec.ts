import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openNote, signNote, verifierKeyFor } from '@pangolin/transparency';
import { generateSigningKeyFile } from './generate-signing-key';

describe('npm run generate-signing-key', () => {
  let folder: string;
  beforeEach(() => (folder = mkdtempSync(join(tmpdir(), 'pangolin-key-'))));
  afterEach(() => rmSync(folder, { recursive: true, force: true }));

  it('writes a signer key only its owner can read, and returns the verifier key that checks its signatures', () => {
    const file = join(folder, 'transparency-signing.key');
    const verifierKey = generateSigningKeyFile(file, 'pangolin.example/log');
    const signerKey = readFileSync(file, 'utf8').trim();
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(verifierKeyFor(signerKey)).toBe(verifierKey);
    expect(verifierKey).toMatch(/^pangolin\.example\/log\+[0-9a-f]{8}\+/);
    expect(openNote(signNote('pangolin.example/log\n1\n', signerKey), [verifierKey]).text).toBe('pangolin.example/log\n1\n');
  });

  it('never overwrites a key, and refuses a name a note key cannot have', () => {
    const file = join(folder, 'transparency-signing.key');
    generateSigningKeyFile(file);
    const before = readFileSync(file, 'utf8');
    expect(() => generateSigningKeyFile(file)).toThrow(/already exists: a signing key is never overwritten/);
    expect(readFileSync(file, 'utf8')).toBe(before);
    expect(() => generateSigningKeyFile(join(folder, 'other.key'), 'has space')).toThrow(/--name must be a key name/);
  });
});
