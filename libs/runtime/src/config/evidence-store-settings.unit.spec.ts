import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfiguration } from './configuration';
import { configurationRefusal } from './configuration-refusal.testing';

/** EVIDENCE_STORE: the folder by default, or a bucket on an S3-compatible server, each setting checked at start. */
describe('the evidence store settings', () => {
  let dataDir: string;
  beforeEach(() => (dataDir = mkdtempSync(join(tmpdir(), 'pangolin-config-'))));
  afterEach(() => rmSync(dataDir, { recursive: true, force: true }));

  const s3 = (settings: NodeJS.ProcessEnv = {}) => ({ DATA_DIR: dataDir, EVIDENCE_STORE: 's3', EVIDENCE_S3_BUCKET: 'pangolin-evidence', ...settings });
  const refusal = configurationRefusal;

  it('keeps evidence in $DATA_DIR/evidence by default, or in EVIDENCE_DIR', () => {
    expect(loadConfiguration({ DATA_DIR: dataDir }).evidenceStore).toEqual({ kind: 'folder', dir: join(dataDir, 'evidence') });
    expect(loadConfiguration({ DATA_DIR: dataDir, EVIDENCE_STORE: 'folder', EVIDENCE_DIR: join(dataDir, 'kept') }).evidenceStore).toEqual({ kind: 'folder', dir: join(dataDir, 'kept') });
    expect(refusal({ DATA_DIR: dataDir, EVIDENCE_STORE: 'minio' })).toBe('EVIDENCE_STORE must be one of folder, s3, got "minio"');
  });

  it('reads the bucket, the server and the credentials with EVIDENCE_STORE=s3, with defaults for the rest', () => {
    expect(loadConfiguration(s3()).evidenceStore).toEqual({ kind: 's3', endpoint: undefined, bucket: 'pangolin-evidence', region: 'us-east-1', prefix: '', forcePathStyle: true, credentials: undefined });
    const settings = {
      EVIDENCE_S3_ENDPOINT: 'https://cos.ap-guangzhou.myqcloud.com',
      EVIDENCE_S3_REGION: 'ap-guangzhou',
      EVIDENCE_S3_ACCESS_KEY_ID: 'AKID',
      EVIDENCE_S3_SECRET_ACCESS_KEY: 'secret',
      EVIDENCE_S3_PREFIX: 'pangolin/evidence',
      EVIDENCE_S3_FORCE_PATH_STYLE: 'false',
    };
    expect(loadConfiguration(s3(settings)).evidenceStore).toEqual({
      kind: 's3',
      endpoint: 'https://cos.ap-guangzhou.myqcloud.com',
      bucket: 'pangolin-evidence',
      region: 'ap-guangzhou',
      prefix: 'pangolin/evidence/',
      forcePathStyle: false,
      credentials: { accessKeyId: 'AKID', secretAccessKey: 'secret' },
    });
    expect(loadConfiguration(s3({ EVIDENCE_S3_PREFIX: 'evidence/' })).evidenceStore).toMatchObject({ prefix: 'evidence/' });
  });

  it('refuses each S3 setting that cannot work, naming the variable', () => {
    expect(refusal(s3({ EVIDENCE_S3_BUCKET: '' }))).toMatch(/^EVIDENCE_S3_BUCKET must be set when EVIDENCE_STORE=s3/);
    expect(refusal(s3({ EVIDENCE_S3_BUCKET: 'a/b' }))).toMatch(/^EVIDENCE_S3_BUCKET must be a bucket name/);
    for (const endpoint of ['minio:9000', 'ftp://minio', 'https://key:secret@minio.example.org', 'https://minio.example.org?x=1']) {
      expect(refusal(s3({ EVIDENCE_S3_ENDPOINT: endpoint }))).toMatch(/^EVIDENCE_S3_ENDPOINT must be the server's http:\/\/ or https:\/\/ URL/);
    }
    expect(refusal(s3({ EVIDENCE_S3_REGION: 'us east' }))).toMatch(/^EVIDENCE_S3_REGION must be a region name/);
    for (const prefix of ['/evidence', 'a//b', '../evidence', 'a/./b', 'a\\b']) {
      expect(refusal(s3({ EVIDENCE_S3_PREFIX: prefix }))).toMatch(/^EVIDENCE_S3_PREFIX must be folder names separated by '\/'/);
    }
    expect(refusal(s3({ EVIDENCE_S3_FORCE_PATH_STYLE: 'yes' }))).toBe('EVIDENCE_S3_FORCE_PATH_STYLE must be one of true, false, got "yes"');
    expect(refusal(s3({ EVIDENCE_S3_ACCESS_KEY_ID: 'AKID' }))).toMatch(/^EVIDENCE_S3_ACCESS_KEY_ID and EVIDENCE_S3_SECRET_ACCESS_KEY must be set together/);
    expect(refusal(s3({ EVIDENCE_S3_SECRET_ACCESS_KEY: 'secret' }))).toMatch(/^EVIDENCE_S3_ACCESS_KEY_ID and EVIDENCE_S3_SECRET_ACCESS_KEY must be set together/);
  });

  it('refuses a setting of the store not chosen, rather than keeping evidence where the operator does not look', () => {
    expect(refusal({ DATA_DIR: dataDir, EVIDENCE_S3_BUCKET: 'pangolin-evidence' })).toBe(
      'EVIDENCE_S3_BUCKET is set, but EVIDENCE_STORE is folder (the default): set EVIDENCE_STORE=s3 to keep evidence in the bucket, or unset EVIDENCE_S3_BUCKET',
    );
    expect(refusal(s3({ EVIDENCE_DIR: join(dataDir, 'evidence') }))).toBe('EVIDENCE_DIR is set, but EVIDENCE_STORE=s3 keeps evidence in a bucket: unset EVIDENCE_DIR (or set EVIDENCE_STORE=folder)');
  });
});
