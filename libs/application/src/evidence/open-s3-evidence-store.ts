import type { EvidenceStore } from './evidence-store';
import type { S3EvidenceStoreOptions } from './s3-evidence-store';

/**
 * Opens the evidence store on an S3-compatible server. Its SDK (@aws-sdk/client-s3 and the Smithy
 * runtime, some 30 modules) is loaded here, on first use, so that processes keeping evidence in a
 * folder start without it (test/optional-clients.e2e.spec.ts), as connectKurrentDb does for its client.
 */
export async function openS3EvidenceStore(options: S3EvidenceStoreOptions): Promise<EvidenceStore> {
  const { S3EvidenceStore } = await import('./s3-evidence-store');
  return new S3EvidenceStore(options);
}
