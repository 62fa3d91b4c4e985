import { randomUUID } from 'node:crypto';
import { householdCodeFor } from '@pangolin/domain';
import { householdCodeOf } from '@pangolin/transparency';

describe("the verifier's household codes", () => {
  it('are the codes the platform shows for the same households', () => {
    for (const householdId of [randomUUID(), randomUUID(), 'h1', '']) expect(householdCodeOf(householdId)).toBe(householdCodeFor(householdId));
  });
});
