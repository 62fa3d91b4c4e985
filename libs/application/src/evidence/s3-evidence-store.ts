import { createHash } from 'node:crypto';
import { GetObjectCommand, PutObjectCommand, S3Client, type GetObjectCommandOutput } from '@aws-sdk/client-s3';
import { MAX_EVIDENCE_BYTES } from '@pangolin/domain';
import { evidenceToStore, isSha256Hex, judgeStoredEvidence, type EvidenceRead, type EvidenceStore, type StoredEvidence } from './evidence-store';

/** Where an S3EvidenceStore keeps its files, and how it reaches them. */
export interface S3EvidenceStoreOptions {
  /** The server's URL (MinIO, Ceph, OSS, COS...: `https://host[:port]`); unset, Amazon S3 itself in `region`. */
  endpoint?: string;
  bucket: string;
  region: string;
  /** Put before every object's name: '' for none, else ending with '/' (e.g. `pangolin/evidence/`). */
  prefix: string;
  /** Address the bucket in the path (`endpoint/bucket/key`) rather than as a host name (`bucket.endpoint/key`). */
  forcePathStyle: boolean;
  /** Unset: the SDK's default credential chain (AWS_ACCESS_KEY_ID..., shared credentials files, instance and container roles). */
  credentials?: { accessKeyId: string; secretAccessKey: string };
}

/** Bounds on waiting for the server, so that an unreachable store fails requests (503) instead of holding them. */
const CONNECTION_TIMEOUT_MS = 5_000;
const REQUEST_TIMEOUT_MS = 30_000;

/**
 * The evidence store on an S3-compatible server (Amazon S3, MinIO, Ceph RGW, Alibaba OSS, Tencent COS
 * with path-style...): each file is one object named by the SHA-256 of its bytes (`<prefix><sha256>`).
 * A put sends Content-MD5, so the server refuses bytes damaged on the way; a whole object is written
 * or none, as S3 promises. Reading streams the object through the hash and keeps at most
 * MAX_EVIDENCE_BYTES of it (a larger object cannot be a file this store wrote: it is altered).
 *
 * The SDK's newer default checksums (CRC32 trailers, `aws-chunked` bodies) are asked for only where
 * an operation requires them: many S3-compatible servers do not understand them.
 */
export class S3EvidenceStore implements EvidenceStore {
  private readonly client: S3Client;

  constructor(private readonly options: S3EvidenceStoreOptions) {
    this.client = new S3Client({
      endpoint: options.endpoint,
      region: options.region,
      forcePathStyle: options.forcePathStyle,
      credentials: options.credentials,
      requestChecksumCalculation: 'WHEN_REQUIRED',
      responseChecksumValidation: 'WHEN_REQUIRED',
      maxAttempts: 3,
      requestHandler: { connectionTimeout: CONNECTION_TIMEOUT_MS, requestTimeout: REQUEST_TIMEOUT_MS },
    });
  }

  async put(bytes: Uint8Array): Promise<StoredEvidence> {
    const stored = evidenceToStore(bytes);
    // Stored and intact already: nothing to write. Altered: the intact bytes replace the altered ones.
    if ((await this.read(stored.sha256)).status === 'intact') return stored;
    const command = new PutObjectCommand({
      Bucket: this.options.bucket,
      Key: this.keyOf(stored.sha256),
      Body: bytes,
      ContentLength: bytes.length,
      ContentType: stored.mediaType,
      ContentMD5: createHash('md5').update(bytes).digest('base64'),
    });
    try {
      await this.client.send(command);
    } catch (error) {
      throw this.failure(error);
    }
    return stored;
  }

  async read(sha256: string): Promise<EvidenceRead> {
    if (!isSha256Hex(sha256)) return { status: 'missing' };
    let response: GetObjectCommandOutput;
    try {
      response = await this.client.send(new GetObjectCommand({ Bucket: this.options.bucket, Key: this.keyOf(sha256) }));
    } catch (error) {
      const name = (error as { name?: unknown }).name;
      if (name === 'NoSuchKey' || name === 'NotFound') return { status: 'missing' };
      throw this.failure(error);
    }
    const hash = createHash('sha256');
    const kept: Buffer[] = [];
    let size = 0;
    for await (const chunk of (response.Body ?? []) as AsyncIterable<Uint8Array>) {
      hash.update(chunk);
      size += chunk.length;
      if (size <= MAX_EVIDENCE_BYTES) kept.push(Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk));
    }
    const actualSha256 = hash.digest('hex');
    if (size > MAX_EVIDENCE_BYTES) return { status: 'altered', actualSha256 };
    return judgeStoredEvidence(sha256, Buffer.concat(kept, size), actualSha256);
  }

  /** Lets go of the client's connections. */
  close(): void {
    this.client.destroy();
  }

  private keyOf(sha256: string): string {
    return `${this.options.prefix}${sha256}`;
  }

  /**
   * A failure of the server or of the way to it, naming the bucket and the server. The cause is
   * kept, so a refused or broken connection stays recognisable as an outage (503, not 500).
   */
  private failure(error: unknown): Error {
    const name = (error as { name?: unknown }).name ?? 'Error';
    const where = `bucket "${this.options.bucket}" at ${this.options.endpoint ?? `Amazon S3 (${this.options.region})`}`;
    return new Error(`the S3 evidence store (${where}) failed: ${String(name)}: ${error instanceof Error ? error.message : String(error)}`, { cause: error });
  }
}
