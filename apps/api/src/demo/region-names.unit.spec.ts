import { RegionNames } from '@pangolin/runtime';
import { DEMO_REGION_NAMES } from './region-names';

describe("the demo's code table", () => {
  it("names every division of the demo's data", () => {
    const demo = RegionNames.parse(DEMO_REGION_NAMES, 'demo');
    expect(Object.keys(demo.namesOf(['44', '4403', '440305', '440305001', '440305001001', '440305001002', '440305002', '440305002001', '440306', '440306001', '440306001001']))).toHaveLength(11);
  });
});
