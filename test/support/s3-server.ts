import { createHash, randomBytes } from 'node:crypto';
import { createWriteStream, mkdtempSync, rmSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { Readable, Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { CreateBucketCommand, ListObjectsV2Command, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import S3rver from 's3rver';

// The SDK warns once per process that its releases after January 2027 will need Node 22: noise in test output.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';

/**
 * A real S3-compatible server of a test's own (s3rver, in this process), on a free port with its
 * objects in a temporary folder. Its one account is S3RVER / S3RVER (it does not check V4 signatures
 * through, so a test cannot rely on wrong credentials being refused).
 */
export class TestS3Server {
  static readonly credentials = { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' };
  /** A client of the test's own, to look into and tamper with buckets behind the store's back. */
  readonly client: S3Client;

  private constructor(private readonly server: S3rver, private readonly folder: string, readonly endpoint: string) {
    this.client = new S3Client({ endpoint, region: 'us-east-1', forcePathStyle: true, credentials: TestS3Server.credentials });
  }

  static async start(): Promise<TestS3Server> {
    const folder = mkdtempSync(join(tmpdir(), 'pangolin-s3-'));
    const server = new S3rver({ address: '127.0.0.1', port: 0, silent: true, directory: folder });
    writeObjectsBeforeAnswering((server as unknown as { store: FilesystemStore }).store);
    const { port } = await server.run();
    return new TestS3Server(server, folder, `http://127.0.0.1:${port}`);
  }

  /** Creates a bucket of a fresh name and answers the name. */
  async createBucket(): Promise<string> {
    const bucket = `evidence-${randomBytes(6).toString('hex')}`;
    await this.client.send(new CreateBucketCommand({ Bucket: bucket }));
    return bucket;
  }

  /** The platform's settings for a bucket of this server. */
  platformEnv(bucket: string, prefix = ''): Record<string, string> {
    return {
      EVIDENCE_STORE: 's3',
      EVIDENCE_S3_ENDPOINT: this.endpoint,
      EVIDENCE_S3_BUCKET: bucket,
      EVIDENCE_S3_ACCESS_KEY_ID: TestS3Server.credentials.accessKeyId,
      EVIDENCE_S3_SECRET_ACCESS_KEY: TestS3Server.credentials.secretAccessKey,
      ...(prefix ? { EVIDENCE_S3_PREFIX: prefix } : {}),
    };
  }

  /** Writes `bytes` as the object `key`, straight through the S3 API (as anyone with write access to the bucket could). */
  async overwrite(bucket: string, key: string, bytes: Buffer): Promise<void> {
    await this.client.send(new PutObjectCommand({ Bucket: bucket, Key: key, Body: bytes }));
  }

  /** The names of every object in the bucket. */
  async keys(bucket: string): Promise<string[]> {
    const keys: string[] = [];
    let token: string | undefined;
    do {
      const page = await this.client.send(new ListObjectsV2Command({ Bucket: bucket, ContinuationToken: token }));
      keys.push(...(page.Contents ?? []).map((object) => object.Key!));
      token = page.IsTruncated ? page.NextContinuationToken : undefined;
    } while (token);
    return keys.sort();
  }

  async stop(): Promise<void> {
    this.client.destroy();
    await this.server.close();
    rmSync(this.folder, { recursive: true, force: true });
  }
}

/** What s3rver's FilesystemStore offers that writeObjectsBeforeAnswering uses. */
interface FilesystemStore {
  getResourcePath(bucket: string, key: string, resource: 'object'): string;
  putMetadata(bucket: string, key: string, metadata: unknown, md5: string): Promise<void>;
  putObject(object: { bucket: string; key: string; content: Buffer | Readable; metadata: unknown }): Promise<{ size: number; md5: string }>;
}

/**
 * s3rver answers a PUT once it has read the body, before the object's file is written (its
 * putObject resolves on the body's end, not the file's): a GET right after the answer can read the
 * file empty or cut short. S3 itself reads what was written. Here the file is written whole before
 * the PUT is answered.
 */
function writeObjectsBeforeAnswering(store: FilesystemStore): void {
  store.putObject = async (object) => {
    const path = store.getResourcePath(object.bucket, object.key, 'object');
    await mkdir(dirname(path), { recursive: true });
    const md5 = createHash('md5');
    let size = 0;
    const counting = new Transform({
      transform(chunk: Buffer, _encoding, done) {
        md5.update(chunk);
        size += chunk.length;
        done(null, chunk);
      },
    });
    await pipeline(Buffer.isBuffer(object.content) ? Readable.from([object.content]) : object.content, counting, createWriteStream(path));
    const digest = md5.digest('hex');
    await store.putMetadata(object.bucket, object.key, object.metadata, digest);
    return { size, md5: digest };
  };
}
