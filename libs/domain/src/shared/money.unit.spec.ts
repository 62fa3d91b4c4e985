import { splitProportionally } from './money';

describe('splitProportionally', () => {
  it('splits exactly, the parts adding up to the total', () => {
    expect(splitProportionally(100, [1, 1, 1])).toEqual([34, 33, 33]);
    expect(splitProportionally(1000, [3000, 2000])).toEqual([600, 400]);
    expect(splitProportionally(7, [0, 0])).toEqual([0, 0]);
  });
});
