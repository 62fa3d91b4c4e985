import { loadConfiguration } from './configuration';
import { configurationRefusal } from './configuration-refusal.testing';

const embedded = { DATA_DIR: '/tmp/unused' };

describe('the heap growth limit (HEAP_GROWTH_PERCENT)', () => {
  it('is 50% by default, 0 leaves V8 its own, and a value that is not a whole number up to 400 is refused, naming the setting', () => {
    expect(loadConfiguration(embedded).heapGrowthPercent).toBe(50);
    expect(loadConfiguration({ ...embedded, HEAP_GROWTH_PERCENT: '0' }).heapGrowthPercent).toBe(0);
    expect(configurationRefusal({ ...embedded, HEAP_GROWTH_PERCENT: '401' })).toBe('HEAP_GROWTH_PERCENT must be at most 400, got "401"');
    expect(configurationRefusal({ ...embedded, HEAP_GROWTH_PERCENT: '1.5' })).toBe('HEAP_GROWTH_PERCENT must be a whole number, got "1.5"');
  });
});

describe("the password hash's cost (PASSWORD_HASH_COST)", () => {
  it('is 14 (scrypt N = 16384) by default, from 10 to 20, and anything else is refused, naming the setting', () => {
    expect(loadConfiguration(embedded).passwordHashCost).toBe(14);
    expect(loadConfiguration({ ...embedded, PASSWORD_HASH_COST: '17' }).passwordHashCost).toBe(17);
    expect(configurationRefusal({ ...embedded, PASSWORD_HASH_COST: '9' })).toBe('PASSWORD_HASH_COST must be from 10 to 20, got "9"');
    expect(configurationRefusal({ ...embedded, PASSWORD_HASH_COST: '21' })).toBe('PASSWORD_HASH_COST must be from 10 to 20, got "21"');
    expect(configurationRefusal({ ...embedded, PASSWORD_HASH_COST: 'high' })).toBe('PASSWORD_HASH_COST must be a whole number, got "high"');
  });
});
