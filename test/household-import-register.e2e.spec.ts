import { nationalIdWithChecksum } from '@pangolin/domain';
import { householdBody } from './support/actors';
import { ApiClient, RunningPlatform, startPlatform } from './support/platform';

/**
 * POST /households/imports/register, over HTTP on the embedded store: a chunk of an import's rows
 * is registered in one request, each row answered on its own (registered, or refused as the check
 * says it). The same chunk again, even sent twice at once, registers nobody twice, and a refused
 * row leaves no national ID held.
 */
describe('registering an import\'s rows in chunks', () => {
  let platform: RunningPlatform;
  let government: ApiClient;
  const registeredCount = async () => (await government.list('/government/households?limit=500')).length;
  const register = (importId: string, rows: { row: number; household: unknown }[], verify = false) => government.post('/households/imports/register', { importId, verify, rows });
  /** A household whose head's number (and a member's, if `memberNumber`) are given. */
  const withNumbers = (n: number, headNationalId: string, memberNumber?: string) => {
    const body = householdBody('440305001001', n);
    return { ...body, personal: { ...body.personal, headNationalId, members: [{ name: `成员${n}`, relation: 'spouse', ...(memberNumber ? { nationalId: memberNumber } : {}) }] } };
  };
  const number = (n: number) => nationalIdWithChecksum(`44030519800101${String(n).padStart(3, '0')}`);

  beforeAll(async () => {
    platform = await startPlatform({ SEED_DEMO: 'true' });
    government = await platform.api.login('gov.nanshan', 'pangolin-demo');
  }, 60_000);
  afterAll(async () => {
    await platform?.stop();
  });

  it('answers each row of a chunk; the same chunk again registers nobody twice; a refused row holds no number', async () => {
    const elsewhere = await government.ok('/households', withNumbers(100, number(100)));
    const rows = [
      { row: 0, household: withNumbers(101, number(101)) },
      { row: 1, household: withNumbers(102, number(102)) },
      // Its fields broken: no head's name.
      { row: 2, household: { ...withNumbers(103, number(103)), personal: { ...withNumbers(103, number(103)).personal, headName: '' } } },
      // A village outside Nanshan.
      { row: 3, household: { ...withNumbers(104, number(104)), villageCode: '440306001001' } },
      // Its member's number is held by a household registered before.
      { row: 4, household: withNumbers(105, number(105), number(100)) },
      // The head's number is row 0's; its member's number is new.
      { row: 5, household: withNumbers(106, number(101), number(106)) },
    ];
    const before = await registeredCount();

    const first = await register('a'.repeat(32), rows, true);
    expect(first.status).toBe(200);
    const results = first.body.results;
    expect(results.map(({ row, ok }: { row: number; ok: boolean }) => [row, ok])).toEqual([[0, true], [1, true], [2, false], [3, false], [4, false], [5, false]]);
    expect(results[0]).toMatchObject({ alreadyRegistered: false, eligible: true });
    expect(results[2].violations).toEqual([expect.objectContaining({ field: 'personal.headName', code: 'validation.isNotEmpty' })]);
    expect(results[3]).toMatchObject({ status: 403, code: 'region.outside-yours' });
    expect(results[4]).toMatchObject({ status: 409, code: 'household.national-id-taken', params: { field: 'personal.members[0].nationalId', householdCode: elsewhere.householdCode } });
    expect(results[5]).toMatchObject({ status: 409, code: 'household.national-id-taken', params: { field: 'personal.headNationalId', householdCode: results[0].householdCode } });
    expect(await registeredCount()).toBe(before + 2);
    // Registered and verified: eligible at once (the answer waited for the views).
    const eligible = new Set((await government.list('/government/households?eligible=true&limit=500')).map(({ householdId }: { householdId: string }) => householdId));
    expect([results[0].householdId, results[1].householdId].every((id) => eligible.has(id))).toBe(true);

    // The same chunk again (its answer lost, say): the same answers, nobody registered twice.
    const again = await register('a'.repeat(32), rows, true);
    expect(again.status).toBe(200);
    expect(again.body.results.slice(0, 2)).toEqual(results.slice(0, 2).map((result: object) => ({ ...result, alreadyRegistered: true })));
    expect(again.body.results.slice(2)).toEqual(results.slice(2));
    expect(await registeredCount()).toBe(before + 2);

    // The refused rows' new numbers are free: another household registers with each.
    for (const [n, free] of [[201, number(103)], [202, number(104)], [203, number(105)], [204, number(106)]] as const) {
      expect((await government.post('/households', withNumbers(n, free))).status).toBe(201);
    }
  }, 60_000);

  it('registers each household once when the same chunk is sent twice at once', async () => {
    const rows = Array.from({ length: 30 }, (_, n) => ({ row: n, household: withNumbers(300 + n, number(300 + n), number(400 + n)) }));
    const before = await registeredCount();

    const answers = await Promise.all([register('b'.repeat(32), rows), register('b'.repeat(32), rows)]);

    for (const answer of answers) {
      expect(answer.status).toBe(200);
      expect(answer.body.results.every(({ ok }: { ok: boolean }) => ok)).toBe(true);
    }
    const ids = (answer: (typeof answers)[number]) => answer.body.results.map(({ householdId }: { householdId: string }) => householdId);
    expect(ids(answers[1])).toEqual(ids(answers[0]));
    expect(new Set(ids(answers[0])).size).toBe(30);
    expect(await registeredCount()).toBe(before + 30);
    // Not verified: not asked.
    expect(answers[0].body.results.some(({ eligible }: { eligible: boolean }) => eligible)).toBe(false);
  }, 60_000);

  it('refuses a request whose import id, rows or size break the rules', async () => {
    const row = { row: 0, household: withNumbers(500, number(500)) };
    const refusal = async (body: unknown) => {
      const answer = await government.post('/households/imports/register', body);
      expect(answer.status).toBe(400);
      return answer.body.violations.map(({ field, code }: { field: string; code: string }) => [field, code]);
    };
    expect(await refusal({ importId: 'not-a-digest', verify: false, rows: [row] })).toEqual([['importId', 'validation.matches']]);
    expect(await refusal({ importId: 'c'.repeat(32), verify: false, rows: [row, { ...row }] })).toEqual([['rows', 'invalid.repeated']]);
    expect(await refusal({ importId: 'c'.repeat(32), verify: false, rows: Array.from({ length: 201 }, (_, n) => ({ ...row, row: n })) })).toEqual([['rows', 'validation.arrayMaxSize']]);
    expect(await refusal({ importId: 'c'.repeat(32), verify: false, rows: [{ ...row, row: -1 }] })).toEqual([['rows[0].row', 'validation.min']]);
  });
});
