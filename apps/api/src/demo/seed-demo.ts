import { INestApplication, Logger } from '@nestjs/common';
import { Clock, executeCommand, nationalIdReservations } from '@pangolin/application';
import { deterministicId, giftDecider, householdDecider, HouseholdCategory, nationalIdDecider, nationalIdWithChecksum, paymentReferenceDecider, productDecider, programmeDecider, streams, householdCodeFor } from '@pangolin/domain';
import { EventStore } from '@pangolin/event-store';
import { CLOCK, EVENT_STORE, EventPipeline, PANGOLIN_CONFIG, PangolinConfig } from '@pangolin/runtime';
import { AccountsService } from '../auth/accounts.service';

/**
 * Demo data for the embedded mode: logins for every role, a county with two towns and three
 * villages (Nanshan, Shenzhen: 440305) and a neighbouring county (Bao'an: 440306), an insurer's
 * product, households, a programme and a first gift. Ids are fixed so the README can name them.
 * Runs once: only into an empty event store.
 */
export const DEMO = {
  insurerId: 'anxin-mutual',
  productId: deterministicId('demo', 'product', 'accident-illness'),
  programmeId: deterministicId('demo', 'programme', 'nanshan-2026'),
  household: (n: number) => deterministicId('demo', 'household', String(n)),
  gift: (n: number) => deterministicId('demo', 'gift', String(n)),
};

const VILLAGES = ['440305001001', '440305001002', '440305002001'];
const HOUSEHOLDS: { village: string; head: string; category: HouseholdCategory; members: number; verified: boolean }[] = [
  { village: VILLAGES[0], head: '张伟', category: 'low-income', members: 3, verified: true },
  { village: VILLAGES[0], head: '王芳', category: 'elderly-alone', members: 0, verified: true },
  { village: VILLAGES[0], head: '李娜', category: 'disabled', members: 2, verified: true },
  { village: VILLAGES[1], head: '刘洋', category: 'low-income', members: 4, verified: true },
  { village: VILLAGES[1], head: '陈静', category: 'orphan', members: 0, verified: true },
  { village: VILLAGES[2], head: '杨磊', category: 'disaster-affected', members: 3, verified: true },
  { village: VILLAGES[2], head: '赵敏', category: 'low-income', members: 1, verified: false },
  { village: '440306001001', head: '黄强', category: 'low-income', members: 2, verified: true },
];

export async function seedDemo(app: INestApplication): Promise<void> {
  const accounts = app.get(AccountsService);
  const admin = await accounts.ensureDemoAccount({ username: 'admin', displayName: '平台管理员', role: 'admin' });
  const nanshan = await accounts.ensureDemoAccount({ username: 'gov.nanshan', displayName: '南山区民政局', role: 'government', regionCode: '440305' });
  await accounts.ensureDemoAccount({ username: 'gov.xili', displayName: '西丽街道办事处', role: 'government', regionCode: '440305002' });
  const baoan = await accounts.ensureDemoAccount({ username: 'gov.baoan', displayName: '宝安区民政局', role: 'government', regionCode: '440306' });
  const insurer = await accounts.ensureDemoAccount({ username: 'insurer.anxin', displayName: '安心相互保险', role: 'insurer', insurerId: DEMO.insurerId });
  const li = await accounts.ensureDemoAccount({ username: 'donor.li', displayName: '李华', role: 'donor' });
  await accounts.ensureDemoAccount({ username: 'donor.wang', displayName: '王磊', role: 'donor' });
  await accounts.ensureDemoAccount({ username: 'donor.brightfuture', displayName: '光明未来基金会', role: 'donor' });
  await accounts.ensureDemoAccount({ username: 'auditor', displayName: '独立审计师', role: 'auditor' });

  const store = app.get<EventStore>(EVENT_STORE);
  if ((await store.headPosition()) > 0n) return;
  const clock = app.get<Clock>(CLOCK);
  const now = () => clock.now();
  const { nationalIdIndexKey } = app.get<PangolinConfig>(PANGOLIN_CONFIG);
  const as = (user: { role: string; userId: string }) => ({ actor: `${user.role}:${user.userId}`, correlationId: 'demo-seed', causationId: 'demo-seed' });

  // No waiting period, so the README walk-through can claim for an incident on the policy's first day.
  await executeCommand(store, productDecider, streams.product(DEMO.productId), {
    type: 'PublishProduct',
    data: {
      productId: DEMO.productId,
      insurerId: DEMO.insurerId,
      terms: { name: '农村意外与疾病保障', coverageKind: 'accident-illness', annualPremium: { amount: 5000, currency: 'CNY' }, sumInsured: { amount: 5_000_000, currency: 'CNY' }, waitingPeriodDays: 0, termDays: 365 },
      now: now(),
    },
  }, as(insurer));

  for (const [index, household] of HOUSEHOLDS.entries()) {
    const householdId = DEMO.household(index + 1);
    const government = household.village.startsWith('440306') ? baoan : nanshan;
    const region = government.regionCode as string;
    const householdCode = householdCodeFor(householdId);
    const personal = {
      headName: household.head,
      headNationalId: nationalIdWithChecksum(`${household.village.slice(0, 6)}19680101${String(index + 1).padStart(3, '0')}`),
      members: Array.from({ length: household.members }, (_, m) => ({ name: `${household.head.slice(0, 1)}家成员${m + 1}`, relation: m === 0 ? '配偶' : '子女' })),
      address: `${household.village} 村 ${index + 1} 号`,
    };
    const reservations = nationalIdReservations(nationalIdIndexKey, personal, { householdId, householdCode, villageCode: household.village }, region, now());
    for (const { streamId, reserve } of reservations) await executeCommand(store, nationalIdDecider, streamId, reserve, as(government));
    await executeCommand(store, householdDecider, streams.household(householdId), {
      type: 'RegisterHousehold',
      data: { householdId, householdCode, villageCode: household.village, registrarRegion: region, category: household.category, personal, nationalIdDigests: reservations.map((r) => r.digest), now: now() },
    }, as(government));
    if (household.verified) {
      await executeCommand(store, householdDecider, streams.household(householdId), { type: 'VerifyEligibility', data: { householdId, category: household.category, verifierRegion: region, now: now() } }, as(government));
    }
  }

  await executeCommand(store, programmeDecider, streams.programme(DEMO.programmeId), {
    type: 'LaunchProgramme',
    data: { programmeId: DEMO.programmeId, name: '南山区民生保障 2026', regionCode: '440305', productId: DEMO.productId, launcherRegion: '440305', now: now() },
  }, as(nanshan));

  // A first gift, fully paying household 1's premium, so the dashboards have a story to show.
  const giftId = DEMO.gift(1);
  await executeCommand(store, giftDecider, streams.gift(giftId), {
    type: 'PledgeGift',
    data: { giftId, donorId: li.userId, amount: { amount: 5000, currency: 'CNY' }, target: { kind: 'household', householdId: DEMO.household(1), productId: DEMO.productId }, remainder: 'refund', now: now() },
  }, as(li));
  const paymentReference = 'DEMO-PAYMENT-0001';
  await executeCommand(store, paymentReferenceDecider, streams.paymentReference(paymentReference), { type: 'ReservePaymentReference', data: { paymentReference, giftId, now: now() } }, as(admin));
  const paid = await executeCommand(store, giftDecider, streams.gift(giftId), { type: 'ConfirmPayment', data: { giftId, paymentReference, amount: { amount: 5000, currency: 'CNY' }, now: now() } }, as(admin));
  await app.get(EventPipeline).settle(paid.position);
  Logger.log(`Demo data seeded: ${HOUSEHOLDS.length} households, product ${DEMO.productId}, programme ${DEMO.programmeId}`, 'Pangolin');
}
