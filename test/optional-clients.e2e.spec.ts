import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ensureBuilt } from './support/build';
import { ROOT, runToExit } from './support/child-process';

/**
 * The clients of stores a process may not use load only when it is configured to use them: the
 * KurrentDB client (gRPC, protobuf, OpenTelemetry) and the S3 SDK (with the Smithy runtime). They
 * are a good part of a process's start (the API, the projector, every command-line tool), so a
 * platform on the embedded stores with evidence in a folder starts without them. Checked on the
 * built platform in a process of its own: the packages the started platform has loaded.
 */
async function packagesLoadedByAStartedPlatform(env: Record<string, string>): Promise<string[]> {
  const dataDir = mkdtempSync(join(tmpdir(), 'pangolin-optional-clients-'));
  const script = `
    const { createPangolin, listen } = require(${JSON.stringify(join(ROOT, 'dist/apps/api/src/bootstrap'))});
    const { loadConfiguration } = require(${JSON.stringify(join(ROOT, 'dist/libs/runtime/src'))});
    (async () => {
      const config = loadConfiguration(process.env);
      const app = await createPangolin(config, { logger: ['error'] });
      await listen(app, config);
      const packages = new Set(Object.keys(require.cache).map((path) => /node_modules\\/((?:@[^/]+\\/)?[^/]+)/.exec(path)?.[1]).filter(Boolean));
      await app.close();
      console.log(JSON.stringify([...packages].sort()));
    })();`;
  try {
    const run = await runToExit(process.execPath, ['-e', script], { env: { PATH: process.env.PATH ?? '', DATA_DIR: dataDir, PORT: '0', PASSWORD_HASH_COST: '10', ...env } });
    if (run.code !== 0) throw new Error(`the platform did not start and stop (${run.code}):\n${run.stdout}${run.stderr}`);
    return JSON.parse(run.stdout.trim().split('\n').pop()!);
  } finally {
    rmSync(dataDir, { recursive: true, force: true });
  }
}

const optionalClient = (name: string) => /^@kurrent\/|^@aws-sdk\/|^@smithy\//.test(name);

describe('the clients of optional stores', () => {
  beforeAll(() => ensureBuilt());

  it('are not loaded by a platform on the embedded stores keeping evidence in a folder', async () => {
    const loaded = await packagesLoadedByAStartedPlatform({});
    expect(loaded).toContain('better-sqlite3');
    expect(loaded.filter(optionalClient)).toEqual([]);
  });

  it('are loaded when configured: evidence in an S3 bucket loads the S3 SDK (and still not the KurrentDB client)', async () => {
    // The client connects on its first request, not at start: no server is needed to see what the start loads.
    const loaded = await packagesLoadedByAStartedPlatform({ EVIDENCE_STORE: 's3', EVIDENCE_S3_ENDPOINT: 'http://127.0.0.1:9', EVIDENCE_S3_BUCKET: 'evidence', EVIDENCE_S3_ACCESS_KEY_ID: 'test', EVIDENCE_S3_SECRET_ACCESS_KEY: 'test-secret' });
    expect(loaded).toContain('@aws-sdk/client-s3');
    expect(loaded.filter((name) => name.startsWith('@kurrent/'))).toEqual([]);
  });
});
