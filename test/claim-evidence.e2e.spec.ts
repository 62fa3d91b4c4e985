import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { streams } from '@pangolin/domain';
import type { EventStore } from '@pangolin/event-store';
import { EVENT_STORE } from '@pangolin/runtime';
import { PDF, PNG, policyAwaitingClaims, sha256, uploadEvidence } from './support/evidence';
import { cny, startPlatform, type ApiClient, type RunningPlatform } from './support/platform';

/**
 * Claim evidence: files uploaded to the evidence store (by content, SHA-256), named by their hash
 * in the claim's event so the log proves which evidence a claim was decided on; read back by the
 * insurer of record and the household's government only; a file altered on disk after upload is
 * found out (its bytes no longer hash to what the log recorded). The evidence store is the embedded
 * folder here; claim-evidence-s3.e2e.spec.ts tells the same story on an S3 bucket.
 */
describe('claim evidence', () => {
  let platform: RunningPlatform;
  let government: ApiClient;
  let otherGovernment: ApiClient;
  let insurer: ApiClient;
  let otherInsurer: ApiClient;
  let donor: ApiClient;
  let policyId: string;
  let claimId: string;

  const upload = (who: ApiClient, bytes: Buffer, contentType: string) => uploadEvidence(platform, who, bytes, contentType);
  const download = (who: ApiClient, hash: string) => who.exchange('GET', `/policies/${policyId}/claims/${claimId}/evidence/${hash}`);

  beforeAll(async () => {
    platform = await startPlatform({});
    ({ government, otherGovernment, insurer, otherInsurer, donor, policyId } = await policyAwaitingClaims(platform, 'EVIDENCE'));
  }, 120_000);
  afterAll(() => platform?.stop());

  it('stores a file by the SHA-256 of its bytes, for insurers and governments, and only the kinds evidence may be', async () => {
    expect(await upload(government, PDF, 'application/pdf')).toEqual({ status: 201, body: { sha256: sha256(PDF), size: PDF.length, mediaType: 'application/pdf' } });
    expect(await upload(insurer, PNG, 'image/png')).toEqual({ status: 201, body: { sha256: sha256(PNG), size: PNG.length, mediaType: 'image/png' } });
    expect((await upload(donor, PDF, 'application/pdf')).status).toBe(403);
    // A page of HTML sent as a PDF: its first bytes say what it is.
    const disguised = await upload(government, Buffer.from('<html><script>alert(1)</script></html>'), 'application/pdf');
    expect({ status: disguised.status, violations: disguised.body.violations }).toEqual({ status: 400, violations: [expect.objectContaining({ field: 'body', rule: expect.stringContaining('PDF, JPEG, PNG or WebP') })] });
    // Any other route still takes JSON only.
    const elsewhere = await fetch(`${platform.url}/gifts`, { method: 'POST', headers: { authorization: `Bearer ${(donor as unknown as { token: string }).token}`, 'content-type': 'application/pdf' }, body: PDF });
    expect(elsewhere.status).toBe(415);
  });

  it("records each file's name, SHA-256, type and size in the claim's event, and refuses a file never uploaded", async () => {
    const store = platform.app.get<EventStore>(EVENT_STORE);
    const head = await store.headPosition();
    const unknown = await government.post(`/policies/${policyId}/claims`, { incidentDate: new Date().toISOString().slice(0, 10), kind: 'illness', amountClaimed: cny(120_000), evidence: [], evidenceFiles: [{ name: 'invoice.pdf', sha256: 'a'.repeat(64) }] });
    expect({ status: unknown.status, violations: unknown.body.violations }).toEqual({ status: 400, violations: [expect.objectContaining({ field: 'evidenceFiles[0].sha256', rule: 'must name a file uploaded with POST /evidence' })] });
    expect(await store.headPosition()).toBe(head);

    const filed = await government.ok(`/policies/${policyId}/claims`, {
      incidentDate: new Date().toISOString().slice(0, 10),
      kind: 'illness',
      amountClaimed: cny(120_000),
      evidence: ['hospital discharge summary'],
      evidenceFiles: [{ name: '住院发票.pdf', sha256: sha256(PDF) }, { name: 'photo.png', sha256: sha256(PNG) }],
    });
    claimId = filed.claimId;
    const files = [
      { name: '住院发票.pdf', sha256: sha256(PDF), mediaType: 'application/pdf', size: PDF.length },
      { name: 'photo.png', sha256: sha256(PNG), mediaType: 'image/png', size: PNG.length },
    ];
    const events = await store.readStream(streams.policy(policyId));
    expect(events.find((event) => event.type === 'ClaimFiled')?.data).toMatchObject({ claimId, evidence: ['hospital discharge summary'], evidenceFiles: files });
    const [claim] = (await insurer.list('/insurer/claims')).filter((c: { claimId: string }) => c.claimId === claimId);
    expect(claim).toMatchObject({ evidence: ['hospital discharge summary'], evidenceFiles: files });
  });

  it('gives the files to the insurer of record and the household\'s government, and to no one else', async () => {
    for (const who of [insurer, government]) {
      const answer = await download(who, sha256(PDF));
      expect([answer.status, answer.headers.get('content-type'), answer.body]).toEqual([200, 'application/pdf', PDF.toString('utf8')]);
      expect(answer.headers.get('content-disposition')).toBe(`attachment; filename*=UTF-8''${encodeURIComponent('住院发票.pdf')}`);
    }
    expect((await download(otherInsurer, sha256(PDF))).status).toBe(404);
    expect((await download(otherGovernment, sha256(PDF))).status).toBe(404);
    expect((await download(donor, sha256(PDF))).status).toBe(403);
    expect((await download(platform.api, sha256(PDF))).status).toBe(401);
    // A file of the store the claim does not name is not reachable through it.
    const other = await upload(insurer, Buffer.from('%PDF-1.4 another claim\n'), 'application/pdf');
    expect((await download(insurer, other.body.sha256)).status).toBe(404);
  });

  it('finds a file altered on disk after upload: its bytes no longer hash to what the log recorded', async () => {
    const hash = sha256(PNG);
    const altered = Buffer.from(PNG);
    altered[altered.length - 1] ^= 0x01;
    writeFileSync(join(platform.dataDir, 'evidence', hash.slice(0, 2), hash), altered);
    const answer = await download(insurer, hash);
    expect([answer.status, answer.body.reason]).toEqual([409, 'evidence-altered']);
    expect(answer.body.message).toBe(`evidence file photo.png was altered: its bytes hash to ${sha256(altered)}, not to ${hash} as the claim recorded in the log`);
    // Nor can a new claim be decided on it.
    const refused = await government.post(`/policies/${policyId}/claims`, { incidentDate: new Date().toISOString().slice(0, 10), kind: 'illness', amountClaimed: cny(1000), evidence: [], evidenceFiles: [{ name: 'photo.png', sha256: hash }] });
    expect([refused.status, refused.body.violations]).toEqual([400, [expect.objectContaining({ field: 'evidenceFiles[0].sha256', rule: 'names a file whose bytes no longer match it' })]]);
  });
});
