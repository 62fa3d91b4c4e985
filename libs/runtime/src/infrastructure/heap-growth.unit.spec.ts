import { loadConfiguration } from '../config/configuration';
import { configurationRefusal } from '../config/configuration-refusal.testing';

describe('the heap growth limit (HEAP_GROWTH_PERCENT)', () => {
  it('is 50% by default, 0 leaves V8 its own, and a value that is not a whole number up to 400 is refused, naming the setting', () => {
    expect(loadConfiguration({ DATA_DIR: '/tmp/unused' }).heapGrowthPercent).toBe(50);
    expect(loadConfiguration({ DATA_DIR: '/tmp/unused', HEAP_GROWTH_PERCENT: '0' }).heapGrowthPercent).toBe(0);
    expect(configurationRefusal({ DATA_DIR: '/tmp/unused', HEAP_GROWTH_PERCENT: '401' })).toBe('HEAP_GROWTH_PERCENT must be at most 400, got "401"');
    expect(configurationRefusal({ DATA_DIR: '/tmp/unused', HEAP_GROWTH_PERCENT: '1.5' })).toBe('HEAP_GROWTH_PERCENT must be a whole number, got "1.5"');
  });
});
