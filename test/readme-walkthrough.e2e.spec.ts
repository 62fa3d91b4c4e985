import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { runToExit } from './support/child-process';
import { RunningPlatform, startPlatform } from './support/platform';
import { ensureBuilt } from './support/build';

/** The README promises its walk-through works exactly as written: run it, verbatim, on fresh demo data. */
describe('the README walk-through', () => {
  let platform: RunningPlatform;

  beforeAll(async () => {
    // The walk-through's last step runs the offline verifier, built like `npm start` builds it.
    ensureBuilt();
    platform = await startPlatform({ SEED_DEMO: 'true' });
  }, 180_000);
  afterAll(() => platform?.stop());

  it('runs from the first command to the last and shows the paid claim, a balanced ledger and a verified receipt', async () => {
    const readme = readFileSync(join(__dirname, '..', 'README.md'), 'utf8');
    const section = readme.split('<!-- walkthrough:start -->')[1].split('<!-- walkthrough:end -->')[0];
    const script = section.split('```bash\n')[1].split('```')[0];
    expect(script).toContain('API=http://localhost:3000\n');
    // Only the address differs: the test platform listens on a free port.
    // Asynchronous: the platform answering the script's requests runs in this very process.
    const run = await runBash(script.replace('API=http://localhost:3000\n', `API=${platform.url}\n`));
    expect(run.stderr).toBe('');
    expect(run.status).toBe(0);
    expect(run.stdout).toMatch(/amount: \{ amount: 300000, currency: 'CNY' \}/);
    expect(run.stdout).toMatch(/payoutReference: 'BANK-TRF-0001'/);
    expect(run.stdout).toContain("[ { currency: 'CNY', total: 0 } ]");
    expect(run.stdout).toContain('Receipt verified');
    expect(run.stdout).toMatch(/Claim .* paid: 3,000\.00 CNY/);
  });
});

async function runBash(script: string): Promise<{ status: number | null; stdout: string; stderr: string }> {
  const { code, stdout, stderr } = await runToExit('bash', ['-euo', 'pipefail', '-c', script]);
  return { status: code, stdout, stderr };
}
