import { TestS3Server } from '../../../../test/support/s3-server';
import { evidenceStoreContract } from './evidence-store.contract';
import { S3EvidenceStore, type S3EvidenceStoreOptions } from './s3-evidence-store';

const PDF = Buffer.from('%PDF-1.7\n1 0 obj << >> endobj\n%%EOF\n');

/** The S3 adapter against a real S3-compatible server (s3rver), each test in a fresh bucket. */
describe('the evidence store on an S3-compatible server', () => {
  let server: TestS3Server;
  beforeAll(async () => (server = await TestS3Server.start()));
  afterAll(() => server?.stop());

  const options = (bucket: string, prefix: string): S3EvidenceStoreOptions => ({ endpoint: server.endpoint, bucket, region: 'us-east-1', prefix, forcePathStyle: true, credentials: TestS3Server.credentials });

  for (const prefix of ['', 'pangolin/evidence/']) {
    evidenceStoreContract(prefix ? `an S3 bucket, objects under the prefix ${prefix}` : 'an S3 bucket', async () => {
      const bucket = await server.createBucket();
      const store = new S3EvidenceStore(options(bucket, prefix));
      return {
        store,
        overwrite: (sha256, bytes) => server.overwrite(bucket, `${prefix}${sha256}`, bytes),
        // Every object of the bucket: an object outside the prefix would show.
        names: async () => (await server.keys(bucket)).map((key) => (key.startsWith(prefix) ? key.slice(prefix.length) : `(outside the prefix) ${key}`)),
        teardown: async () => store.close(),
      };
    });
  }

  it('names a bucket that does not exist rather than calling its files missing', async () => {
    const store = new S3EvidenceStore(options('no-such-bucket', ''));
    try {
      await expect(store.read('0'.repeat(64))).rejects.toThrow(`the S3 evidence store (bucket "no-such-bucket" at ${server.endpoint}) failed: NoSuchBucket`);
    } finally {
      store.close();
    }
  });

  it('names the bucket and the server it cannot reach, keeping the connection error as the cause', async () => {
    const gone = await TestS3Server.start();
    const bucket = await gone.createBucket();
    const endpoint = gone.endpoint;
    await gone.stop();
    const store = new S3EvidenceStore({ ...options(bucket, ''), endpoint });
    try {
      // Outside Jest the cause carries code ECONNREFUSED, which the API answers 503 (isDatabaseUnavailable); inside
      // Jest's sandbox the SDK wraps Node's error from another realm into one that keeps only its text.
      await expect(store.read('0'.repeat(64))).rejects.toThrow(new RegExp(`^the S3 evidence store \\(bucket "${bucket}" at ${endpoint}\\) failed: .*ECONNREFUSED`));
    } finally {
      store.close();
    }
  });
});
