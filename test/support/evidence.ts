import { createHash } from 'node:crypto';
import { policyIdFor } from '@pangolin/domain';
import { householdBody, productTerms, signUpCastAndRivals } from './actors';
import { cny, type ApiClient, type RunningPlatform } from './platform';

/** Evidence files of each kind a test uploads. */
export const PDF = Buffer.from('%PDF-1.7\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n');
export const PNG = Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), Buffer.from('IHDR photograph of the damage')]);
export const sha256 = (bytes: Buffer) => createHash('sha256').update(bytes).digest('hex');

/** POST /evidence with the file's bytes as the body, as `who`. */
export async function uploadEvidence(platform: RunningPlatform, who: ApiClient, bytes: Buffer, contentType: string): Promise<{ status: number; body: any }> {
  const response = await fetch(`${platform.url}/evidence`, { method: 'POST', headers: { authorization: `Bearer ${(who as unknown as { token: string }).token}`, 'content-type': contentType }, body: bytes });
  return { status: response.status, body: (await response.json()) as any };
}

/** The cast (and their rivals) signed up, and a policy issued (paid with PAY-<tag>, numbered ANX-<tag>) on which the government may file claims with evidence. */
export async function policyAwaitingClaims(platform: RunningPlatform, tag: string) {
  const cast = await signUpCastAndRivals(platform.api);
  const { government, insurer, donor } = cast;
  const { productId } = await insurer.ok('/products', productTerms({ waitingPeriodDays: 0 }));
  const { householdId } = await government.ok('/households', householdBody('440305001001', 1));
  await government.ok(`/households/${householdId}/eligibility/verify`, { category: 'low-income' });
  const { giftId } = await donor.ok('/gifts', { amount: cny(3000), target: { kind: 'household', householdId, productId }, remainder: 'refund' });
  await donor.ok(`/gifts/${giftId}/payment`, { paymentReference: `PAY-${tag}`, amount: cny(3000) });
  const policyId = policyIdFor(householdId, productId, 1);
  await insurer.ok(`/policies/${policyId}/issue`, { policyNumber: `ANX-${tag}`, startDate: new Date().toISOString().slice(0, 10) });
  return { ...cast, policyId };
}
