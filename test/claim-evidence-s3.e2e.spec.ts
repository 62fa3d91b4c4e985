import { streams } from '@pangolin/domain';
import type { EventStore } from '@pangolin/event-store';
import { EVENT_STORE } from '@pangolin/runtime';
import { PDF, PNG, policyAwaitingClaims, sha256, uploadEvidence } from './support/evidence';
import { cny, startPlatform, type ApiClient, type RunningPlatform } from './support/platform';
import { TestS3Server } from './support/s3-server';

/**
 * Claim evidence kept in a bucket of an S3-compatible server (EVIDENCE_STORE=s3; a real server,
 * s3rver, on a free port): uploaded, named by its SHA-256 in the claim's event, given to the insurer,
 * and found out when the object is overwritten in the bucket behind the platform's back.
 */
describe('claim evidence in an S3 bucket', () => {
  const PREFIX = 'pangolin/evidence/';
  let s3: TestS3Server;
  let bucket: string;
  let platform: RunningPlatform;
  let government: ApiClient;
  let insurer: ApiClient;
  let policyId: string;

  beforeAll(async () => {
    s3 = await TestS3Server.start();
    bucket = await s3.createBucket();
    platform = await startPlatform(s3.platformEnv(bucket, PREFIX));
    ({ government, insurer, policyId } = await policyAwaitingClaims(platform, 'EVIDENCE-S3'));
  }, 120_000);
  afterAll(async () => {
    await platform?.stop();
    await s3?.stop();
  });

  it('stores the files in the bucket, files the claim on their hashes, gives them to the insurer, and refuses one altered in the bucket', async () => {
    expect(platform.config.evidenceStore).toMatchObject({ kind: 's3', bucket, prefix: PREFIX });
    expect(await uploadEvidence(platform, government, PDF, 'application/pdf')).toEqual({ status: 201, body: { sha256: sha256(PDF), size: PDF.length, mediaType: 'application/pdf' } });
    expect(await uploadEvidence(platform, insurer, PNG, 'image/png')).toEqual({ status: 201, body: { sha256: sha256(PNG), size: PNG.length, mediaType: 'image/png' } });
    expect(await s3.keys(bucket)).toEqual([`${PREFIX}${sha256(PDF)}`, `${PREFIX}${sha256(PNG)}`].sort());

    const today = new Date().toISOString().slice(0, 10);
    const { claimId } = await government.ok(`/policies/${policyId}/claims`, {
      incidentDate: today,
      kind: 'illness',
      amountClaimed: cny(120_000),
      evidence: ['hospital discharge summary'],
      evidenceFiles: [{ name: 'invoice.pdf', sha256: sha256(PDF) }, { name: 'photo.png', sha256: sha256(PNG) }],
    });
    const events = await platform.app.get<EventStore>(EVENT_STORE).readStream(streams.policy(policyId));
    expect(events.find((event) => event.type === 'ClaimFiled')?.data).toMatchObject({
      claimId,
      evidenceFiles: [
        { name: 'invoice.pdf', sha256: sha256(PDF), mediaType: 'application/pdf', size: PDF.length },
        { name: 'photo.png', sha256: sha256(PNG), mediaType: 'image/png', size: PNG.length },
      ],
    });

    const download = (hash: string) => insurer.exchange('GET', `/policies/${policyId}/claims/${claimId}/evidence/${hash}`);
    const answer = await download(sha256(PDF));
    expect([answer.status, answer.headers.get('content-type'), answer.body]).toEqual([200, 'application/pdf', PDF.toString('utf8')]);

    // The object overwritten through the S3 API, as anyone with write access to the bucket could.
    const altered = Buffer.from(PNG);
    altered[altered.length - 1] ^= 0x01;
    await s3.overwrite(bucket, `${PREFIX}${sha256(PNG)}`, altered);
    const refused = await download(sha256(PNG));
    expect([refused.status, refused.body.reason]).toEqual([409, 'evidence-altered']);
    expect(refused.body.message).toBe(`evidence file photo.png was altered: its bytes hash to ${sha256(altered)}, not to ${sha256(PNG)} as the claim recorded in the log`);
    const refiled = await government.post(`/policies/${policyId}/claims`, { incidentDate: today, kind: 'illness', amountClaimed: cny(1000), evidence: [], evidenceFiles: [{ name: 'photo.png', sha256: sha256(PNG) }] });
    expect([refiled.status, refiled.body.violations]).toEqual([400, [expect.objectContaining({ field: 'evidenceFiles[0].sha256', rule: 'names a file whose bytes no longer match it' })]]);
  });
});
