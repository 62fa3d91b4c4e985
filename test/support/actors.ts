import { nationalIdWithChecksum } from '@pangolin/domain';
import { ADMIN, ApiClient } from './platform';

export const PASSWORD = 'password-for-tests';

/** Creates a login through the admin API and signs it in. */
export async function signUp(api: ApiClient, user: { username: string; role: string; displayName?: string; insurerId?: string; regionCode?: string }): Promise<ApiClient> {
  const admin = await api.login(ADMIN.username, ADMIN.password);
  await admin.ok('/users', { displayName: user.username, password: PASSWORD, ...user });
  return api.login(user.username, PASSWORD);
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
