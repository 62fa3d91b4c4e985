import { nationalIdWithChecksum } from '@pangolin/domain';
import { ADMIN, ApiClient } from './platform';

export const PASSWORD = 'password-for-tests';

/** Creates a login through the admin API and signs it in. */
export async function signUp(api: ApiClient, user: { username: string; role: string; displayName?: string; insurerId?: string; regionCode?: string }): Promise<ApiClient> {
  const admin = await api.login(ADMIN.username, ADMIN.password);
  await admin.ok('/users', { displayName: user.username, password: PASSWORD, ...user });
  return api.login(user.username, PASSWORD);
}

/** The cast most stories start with: the government of county 440305, the insurer anxin-mutual and a donor. */
export async function signUpCast(api: ApiClient): Promise<{ government: ApiClient; insurer: ApiClient; donor: ApiClient }> {
  const government = await signUp(api, { username: 'gov.nanshan', role: 'government', regionCode: '440305' });
  const insurer = await signUp(api, { username: 'insurer.anxin', role: 'insurer', insurerId: 'anxin-mutual' });
  const donor = await signUp(api, { username: 'donor.a', role: 'donor' });
  return { government, insurer, donor };
}

/**
 * The cast and their rivals, for telling who may act or read: the government of county 440305 and
 * that of 440306 (Bao'an), the insurer anxin-mutual and another, and a donor.
 */
export async function signUpCastAndRivals(api: ApiClient): Promise<{ government: ApiClient; otherGovernment: ApiClient; insurer: ApiClient; otherInsurer: ApiClient; donor: ApiClient }> {
  const government = await signUp(api, { username: 'gov.nanshan', role: 'government', regionCode: '440305' });
  const otherGovernment = await signUp(api, { username: 'gov.baoan', role: 'government', regionCode: '440306' });
  const insurer = await signUp(api, { username: 'insurer.anxin', role: 'insurer', insurerId: 'anxin-mutual' });
  const otherInsurer = await signUp(api, { username: 'insurer.other', role: 'insurer', insurerId: 'other-insurer' });
  const donor = await signUp(api, { username: 'donor.a', role: 'donor' });
  return { government, otherGovernment, insurer, otherInsurer, donor };
}

/** A product the cast's insurer publishes, and one household of village 440305001001 its government registers and verifies. */
export async function productAndVerifiedHousehold(cast: { government: ApiClient; insurer: ApiClient }): Promise<{ productId: string; householdId: string }> {
  const { productId } = await cast.insurer.ok('/products', productTerms());
  const { householdId } = await cast.government.ok('/households', householdBody('440305001001', 1));
  await cast.government.ok(`/households/${householdId}/eligibility/verify`, { category: 'low-income' });
  return { productId, householdId };
}

/** A valid registration body for a household in `villageCode`; `n` varies the national IDs. */
export function householdBody(villageCode: string, n: number, category = 'low-income', members = 2) {
  return {
    villageCode,
    category,
    personal: {
      headName: `户主${n}`,
      headNationalId: nationalIdWithChecksum(`${villageCode.slice(0, 6)}19700101${String(n).padStart(3, '0')}`),
      members: Array.from({ length: members }, (_, m) => ({ name: `成员${n}-${m + 1}`, relation: m === 0 ? 'spouse' : 'child' })),
      address: `${villageCode} 第${n}号`,
    },
  };
}

export const productTerms = (overrides: Record<string, unknown> = {}) => ({
  terms: {
    name: 'Rural accident & illness cover',
    coverageKind: 'accident-illness',
    annualPremium: { amount: 3000, currency: 'CNY' },
    sumInsured: { amount: 2_000_000, currency: 'CNY' },
    waitingPeriodDays: 30,
    termDays: 365,
    ...overrides,
  },
});
