import { CausedEvents } from './caused-events';

describe('CausedEvents', () => {
  it('gives the last position appended with a correlation id, if after the one asked about', () => {
    const caused = new CausedEvents();
    caused.record('request-a', 5n);
    caused.record('request-b', 6n);
    caused.record('request-a', 8n);
    caused.record('request-a', 7n);
    expect(caused.lastAfter('request-a', 4n)).toBe(8n);
    expect(caused.lastAfter('request-a', 8n)).toBeUndefined();
    expect(caused.lastAfter('request-c', 4n)).toBeUndefined();
  });

  it('says it cannot tell once an entry that might answer was forgotten', () => {
    const caused = new CausedEvents(2);
    caused.record('request-a', 5n);
    caused.record('request-b', 6n);
    caused.record('request-a', 9n);
    // request-b, the least recently appended to, is forgotten: positions up to 6 are no longer known.
    caused.record('request-c', 10n);
    expect(caused.lastAfter('request-b', 5n)).toBe('unknown');
    expect(caused.lastAfter('request-b', 6n)).toBeUndefined();
    expect(caused.lastAfter('request-a', 6n)).toBe(9n);
    expect(caused.lastAfter('request-c', 6n)).toBe(10n);
  });
});
