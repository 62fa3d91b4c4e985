import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  cosignCheckpoint,
  cosignerVerifierKeyFor,
  generateCosignerKey,
  parseCosignerKey,
  parseCosignerVerifierKey,
  verifyCosignatures,
} from './cosignature';
import { describeQuorum, parseWitnessPolicy, quorumSatisfied, thresholdPolicy } from './witness-policy';
import { generateSignerKey, SignedNoteError } from '../signed-note/signed-note';

// The checkpoint and time of the example in c2sp.org/tlog-cosignature.
const SPEC_CHECKPOINT = 'example.com/behind-the-sofa\n20852163\nCsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I=\n';
const SPEC_TIME = 1679315147n;
// The signed message, copied by hand from the spec's example (not built by the code under test).
const SPEC_MESSAGE = 'cosignature/v1\ntime 1679315147\nexample.com/behind-the-sofa\n20852163\nCsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I=\n';

function rawPublicKeyOf(verifierKey: string): Buffer {
  const material = Buffer.from(verifierKey.split('+').slice(2).join('+'), 'base64');
  expect(material[0]).toBe(0x04);
  return material.subarray(1);
}

describe('Ed25519 cosignature/v1 (c2sp.org/tlog-cosignature)', () => {
  it('parses a witness key published elsewhere (transparency-dev/formats test vector): the key id is SHA-256(name || "\\n" || 0x04 || key)[:4]', () => {
    const vkey = 'remora.n621.de+da77ade7+BOvN63jn/bLvkieywe8R6UYAtVtNbZpXh34x7onlmtw2';
    expect(parseCosignerVerifierKey(vkey)).toMatchObject({ name: 'remora.n621.de', keyId: 0xda77ade7 });
    const byHand = createHash('sha256').update('remora.n621.de\n').update(Buffer.concat([Buffer.of(0x04), rawPublicKeyOf(vkey)])).digest();
    expect(byHand.readUInt32BE(0)).toBe(0xda77ade7);
  });

  it('refuses a log key (algorithm 0x01) where a witness key (0x04) belongs, and a wrong key id', () => {
    const logKey = generateSignerKey('log.test').verifierKey;
    expect(() => parseCosignerVerifierKey(logKey)).toThrow(/algorithm 0x01 is not Ed25519 cosignature\/v1 \(0x04\)/);
    const { verifierKey } = generateCosignerKey('w.test');
    expect(() => parseCosignerVerifierKey(verifierKey.replace(/\+[0-9a-f]{8}\+/, '+00000000+'))).toThrow(SignedNoteError);
  });

  it('generates key pairs whose signer key gives back the verifier key', () => {
    const { signerKey, verifierKey } = generateCosignerKey('witness.test/w1');
    expect(signerKey).toMatch(/^PRIVATE\+KEY\+witness\.test\/w1\+[0-9a-f]{8}\+B[A-Za-z0-9+/]{43}$/);
    expect(verifierKey).toMatch(/^witness\.test\/w1\+[0-9a-f]{8}\+B[A-Za-z0-9+/]{43}$/);
    expect(cosignerVerifierKeyFor(signerKey)).toBe(verifierKey);
    expect(parseCosignerKey(signerKey).keyId).toBe(parseCosignerVerifierKey(verifierKey).keyId);
  });

  it('signs key id || big-endian timestamp || Ed25519 over the message of the spec, which OpenSSL verifies independently', () => {
    const { signerKey, verifierKey } = generateCosignerKey('witness.example.com/w1');
    const line = cosignCheckpoint(SPEC_CHECKPOINT, parseCosignerKey(signerKey), SPEC_TIME);
    const [dash, name, encoded] = line.trimEnd().split(' ');
    expect([dash, name]).toEqual(['\u2014', 'witness.example.com/w1']);
    const bytes = Buffer.from(encoded, 'base64');
    expect(bytes).toHaveLength(4 + 8 + 64);
    expect(bytes.readUInt32BE(0)).toBe(parseCosignerVerifierKey(verifierKey).keyId);
    expect(bytes.readBigUInt64BE(4)).toBe(SPEC_TIME);

    const folder = mkdtempSync(join(tmpdir(), 'cosignature-openssl-'));
    try {
      const spki = Buffer.concat([Buffer.from('302a300506032b6570032100', 'hex'), rawPublicKeyOf(verifierKey)]);
      writeFileSync(join(folder, 'key.pem'), `-----BEGIN PUBLIC KEY-----\n${spki.toString('base64')}\n-----END PUBLIC KEY-----\n`);
      writeFileSync(join(folder, 'message'), SPEC_MESSAGE);
      writeFileSync(join(folder, 'signature'), bytes.subarray(12));
      writeFileSync(join(folder, 'other-message'), SPEC_MESSAGE.replace('time 1679315147', 'time 1679315148'));
      const verify = (message: string) =>
        spawnSync('openssl', ['pkeyutl', '-verify', '-pubin', '-inkey', 'key.pem', '-rawin', '-in', message, '-sigfile', 'signature'], { cwd: folder, encoding: 'utf8' });
      const genuine = verify('message');
      if (genuine.error && (genuine.error as NodeJS.ErrnoException).code === 'ENOENT') return; // no openssl on this machine
      expect(genuine.stdout).toContain('Signature Verified Successfully');
      expect(verify('other-message').status).not.toBe(0);
    } finally {
      rmSync(folder, { recursive: true, force: true });
    }
  });

  it('counts only valid cosignatures by the given witnesses; the log signature and strangers are ignored', () => {
    const w1 = generateCosignerKey('w1.test');
    const w2 = generateCosignerKey('w2.test');
    const stranger = generateCosignerKey('stranger.test');
    const note = `${SPEC_CHECKPOINT}\n\u2014 example.com/behind-the-sofa Az3grlgtzPICa5OS8npVmf1Myq/5IZniMp+ZJurmRDeOoRDe4URYN7u5/Zhcyv2q1gGzGku9nTo+zyWE+xeMcTOAYQ8=\n`;
    const cosigned =
      note +
      cosignCheckpoint(SPEC_CHECKPOINT, parseCosignerKey(w1.signerKey), 10n) +
      cosignCheckpoint(SPEC_CHECKPOINT, parseCosignerKey(stranger.signerKey), 11n) +
      // w2's cosignature of another checkpoint, pasted here: does not verify.
      cosignCheckpoint(SPEC_CHECKPOINT.replace('20852163', '20852164'), parseCosignerKey(w2.signerKey), 12n);
    const result = verifyCosignatures(cosigned, [parseCosignerVerifierKey(w1.verifierKey), parseCosignerVerifierKey(w2.verifierKey)]);
    expect(result.cosignedBy.map((cosignature) => [cosignature.name, cosignature.timestamp])).toEqual([['w1.test', 10n]]);
    expect(result.invalid).toEqual(['w2.test']);
  });
});

describe('witness policy (Sigsum policy file syntax)', () => {
  const keys = ['X1', 'X2', 'X3', 'Y1'].map((name) => generateCosignerKey(name));
  const hex = (verifierKey: string) => rawPublicKeyOf(verifierKey).toString('hex');
  const log = generateSignerKey('pangolin.test/log').verifierKey;

  it('reads logs, witnesses (vkeys or hex), nested groups and the quorum', () => {
    const policy = parseWitnessPolicy(
      [
        '# two of the X witnesses and the Y witness',
        `log ${log} https://log.test`,
        `witness X1 ${keys[0].verifierKey}`,
        `witness X2 ${keys[1].verifierKey} https://x2.test  # with a url`,
        `witness X3 ${hex(keys[2].verifierKey)}`,
        `witness Y1 ${keys[3].verifierKey}`,
        'group X-witnesses 2 X1 X2 X3',
        'group X-and-Y all X-witnesses Y1',
        'quorum X-and-Y',
      ].join('\n'),
    );
    expect(policy.logs).toEqual([log]);
    expect(policy.witnesses.map((key) => key.verifierKey)).toEqual(keys.map((key) => key.verifierKey));
    expect(describeQuorum(policy.quorum)).toBe('2 of (2 of (X1, X2, X3), Y1)');
    const set = (...indices: number[]) => new Set(indices.map((i) => keys[i].verifierKey));
    expect(quorumSatisfied(policy.quorum, set(0, 2, 3))).toBe(true);
    expect(quorumSatisfied(policy.quorum, set(0, 1, 2))).toBe(false);
    expect(quorumSatisfied(policy.quorum, set(0, 3))).toBe(false);
  });

  it.each([
    ['an undefined name', 'quorum nobody', /undefined name "nobody"/],
    ['a name used before its definition', `group g any X1\nwitness X1 ${keys[0].verifierKey}\nquorum g`, /line 1: undefined name "X1"/],
    ['a threshold out of range', `witness X1 ${keys[0].verifierKey}\ngroup g 2 X1\nquorum g`, /threshold "2"/],
    ['two quorum lines', 'quorum none\nquorum none', /only be set once/],
    ['no quorum line', `witness X1 ${keys[0].verifierKey}`, /no quorum line/],
    ['a duplicate name', `witness X1 ${keys[0].verifierKey}\nwitness X1 ${keys[1].verifierKey}\nquorum X1`, /duplicate name/],
    ['a log key as witness key', `witness X1 ${log}\nquorum X1`, /0x01 is not Ed25519 cosignature/],
    ['an unknown keyword', 'witnesses X1\nquorum none', /unknown keyword "witnesses"/],
  ])('refuses %s', (_, text, message) => {
    expect(() => parseWitnessPolicy(text)).toThrow(message);
  });

  it('builds "k of these witnesses" from --witness keys and --quorum k', () => {
    const policy = thresholdPolicy(keys.slice(0, 3).map((key) => key.verifierKey), 2);
    expect(describeQuorum(policy.quorum)).toBe('2 of (X1, X2, X3)');
    expect(quorumSatisfied(policy.quorum, new Set([keys[1].verifierKey]))).toBe(false);
    expect(quorumSatisfied(policy.quorum, new Set([keys[1].verifierKey, keys[2].verifierKey]))).toBe(true);
    expect(() => thresholdPolicy([keys[0].verifierKey], 2)).toThrow(/from 0 to the 1 witnesses/);
    expect(describeQuorum(parseWitnessPolicy('quorum none').quorum)).toBe('none');
  });
});
