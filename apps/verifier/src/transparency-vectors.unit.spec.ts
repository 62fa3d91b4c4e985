import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { runCli } from './main';

const ROOT = join(__dirname, '..', '..', '..');
const VECTORS = 'docs/transparency-vectors';

interface Vector {
  name: string;
  description: string;
  args: string[];
  command: string;
  expected: { exitCode: number; verdict: 'verified' | 'refused'; firstLine: string };
}

const manifest = JSON.parse(readFileSync(join(ROOT, VECTORS, 'manifest.json'), 'utf8')) as { vectors: Vector[] };

/** Runs pangolin-verify's command line in-process (the repository root as the base of relative paths); returns its exit status and output. */
function verify(args: readonly string[]): { exitCode: number; stdout: string; stderr: string } {
  let stdout = '';
  let stderr = '';
  const out = jest.spyOn(process.stdout, 'write').mockImplementation((chunk) => ((stdout += String(chunk)), true));
  const err = jest.spyOn(process.stderr, 'write').mockImplementation((chunk) => ((stderr += String(chunk)), true));
  try {
    const exitCode = runCli(args.map((arg) => (arg.startsWith(`${VECTORS}/`) ? join(ROOT, arg) : arg)));
    return { exitCode, stdout, stderr };
  } finally {
    out.mockRestore();
    err.mockRestore();
  }
}

describe('the transparency test vectors (docs/transparency-vectors/manifest.json, specified in docs/transparency-spec.md)', () => {
  it('lists vectors of both verdicts, each command line matching its arguments', () => {
    expect(manifest.vectors.filter((vector) => vector.expected.verdict === 'verified').length).toBeGreaterThanOrEqual(3);
    expect(manifest.vectors.filter((vector) => vector.expected.verdict === 'refused').length).toBeGreaterThanOrEqual(6);
    for (const vector of manifest.vectors) {
      expect(vector.command).toBe(`node bin/pangolin-verify.js ${vector.args.join(' ')}`);
      expect(vector.expected.exitCode).toBe(vector.expected.verdict === 'verified' ? 0 : 1);
    }
  });

  it.each(manifest.vectors.map((vector) => [vector.name, vector] as const))('%s: pangolin-verify gives the expected verdict', (_, vector) => {
    const result = verify(vector.args);
    expect({ exitCode: result.exitCode, firstLine: result.stdout.split('\n')[0], stderr: result.stderr }).toEqual({
      exitCode: vector.expected.exitCode,
      firstLine: vector.expected.firstLine,
      stderr: '',
    });
  });

  it('proves the same trail from the receipt and from its re-saved copy (keys sorted, escapes and indentation changed)', () => {
    const original = verify([`${VECTORS}/receipt.json`, '--key', `${VECTORS}/log.vkey`]);
    const resaved = verify([`${VECTORS}/resaved-sorted-keys.json`, '--key', `${VECTORS}/log.vkey`]);
    expect(original.exitCode).toBe(0);
    expect(resaved.stdout).toBe(original.stdout);
  });

  it('says the served receipt is complete, and the one against a checkpoint without a trail map unproven', () => {
    const complete = verify([`${VECTORS}/receipt.json`, '--key', `${VECTORS}/log.vkey`]);
    expect(complete.stdout).toMatch(/\nComplete: the checkpoint commits to a trail of 8 events for this gift, and the receipt shows every one of them\.\n/);
    const unproven = verify([`${VECTORS}/receipt-without-trail-map.json`, '--key', `${VECTORS}/log.vkey`]);
    expect(unproven.stdout).toMatch(/\nCompleteness unproven: the checkpoint commits to no trail map/);
  });
});
