import { DEMO } from '../apps/api/src/demo/seed-demo';
import { EventPipeline } from '@pangolin/runtime';
import { cny, RunningPlatform, startPlatform } from './support/platform';

/**
 * A command's answer waits for its consequences to reach the views, at most SETTLE_TIMEOUT_MS.
 * When that runs out the command still succeeds, and the answer says the views may lag behind.
 */
describe('the answer to a command whose consequences do not settle in time', () => {
  let platform: RunningPlatform;

  beforeAll(async () => {
    // Long enough for a programme gift's allocation to settle on a loaded machine; the unsettled case
    // below holds the workers still, so it can never settle, however long the wait.
    platform = await startPlatform({ SEED_DEMO: 'true', SETTLE_TIMEOUT_MS: '3000' });
  }, 60_000);
  afterAll(() => platform?.stop());

  const pay = async (giftId: string, accessToken: string) =>
    fetch(`${platform.url}/gifts/${giftId}/payment`, {
      method: 'POST',
      headers: { authorization: `Bearer ${accessToken}`, 'content-type': 'application/json' },
      body: JSON.stringify({ paymentReference: `SETTLE-${giftId}`, amount: cny(5000) }),
    });

  it('carries no Pangolin-Settled header when everything settled, and Pangolin-Settled: false when it did not', async () => {
    const { accessToken } = (await platform.api.post('/auth/login', { username: 'donor.wang', password: 'pangolin-demo' })).body;
    const donor = platform.api.as(accessToken);
    const gift = () => donor.ok<{ giftId: string }>('/gifts', { amount: cny(5000), target: { kind: 'programme', programmeId: DEMO.programmeId }, remainder: 'hold' });

    const settled = await pay((await gift()).giftId, accessToken);
    expect(settled.status).toBe(200);
    expect(settled.headers.get('pangolin-settled')).toBeNull();

    // With the projections and the process managers held still, nothing can settle within the 3 s.
    const { giftId } = await gift();
    await platform.app.get(EventPipeline).stopWorkers();
    const unsettled = await pay(giftId, accessToken);
    expect(unsettled.status).toBe(200);
    expect(unsettled.headers.get('pangolin-settled')).toBe('false');
  });
});
