import { InvalidCommand } from '@pangolin/domain';
import { decodeCursor, encodeCursor, inRegion, listOrder, useCursorKey } from './paging';

const GIFTS = listOrder('donor-gifts', [['gift.pledgedAt', 'text'], ['gift.giftId', 'text']], 'DESC');
const CHECKPOINTS = listOrder('checkpoints', [['checkpoint.size', 'position']]);

describe('list cursors', () => {
  it('give back the sort key they were made from, for their own list only', () => {
    const cursor = encodeCursor(GIFTS, ['2026-12-06T10:00:00.000Z', 'gift-1']);
    expect(cursor).toMatch(/^[A-Za-z0-9_-]+$/);
    expect(decodeCursor(GIFTS, cursor)).toEqual(['2026-12-06T10:00:00.000Z', 'gift-1']);
    expect(() => decodeCursor(CHECKPOINTS, cursor)).toThrow(InvalidCommand);
  });

  it('refuse an edited, forged or malformed cursor, and one of another key, naming the field', () => {
    const cursor = encodeCursor(CHECKPOINTS, ['42']);
    const edited = Buffer.from(cursor, 'base64url');
    edited[edited.length - 2] ^= 1;
    const forged = Buffer.concat([Buffer.alloc(16), Buffer.from(JSON.stringify(['checkpoints', '43']))]).toString('base64url');
    for (const bad of [edited.toString('base64url'), forged, 'not a cursor', '', 'A'.repeat(600)]) {
      expect(() => decodeCursor(CHECKPOINTS, bad)).toThrow(expect.objectContaining({ field: 'cursor' }));
    }
    useCursorKey('another platform');
    expect(() => decodeCursor(CHECKPOINTS, cursor)).toThrow(InvalidCommand);
    // A position is a decimal string: a cursor can carry no SQL, only a place in the list.
    expect(() => decodeCursor(CHECKPOINTS, encodeCursor(CHECKPOINTS, ['1 OR 1=1']))).toThrow(InvalidCommand);
  });
});

describe('a region as a range of codes', () => {
  it('holds exactly the codes starting with the region code', () => {
    expect(inRegion('h.villageCode', '440305')).toEqual(['h.villageCode >= :h_villageCode_from AND h.villageCode < :h_villageCode_to', { h_villageCode_from: '440305', h_villageCode_to: '440306' }]);
    expect(inRegion('h.villageCode', '4403059')[1]).toEqual({ h_villageCode_from: '4403059', h_villageCode_to: '440306' });
    expect(inRegion('m.regionCode', '99')).toEqual(['m.regionCode >= :m_regionCode_from', { m_regionCode_from: '99' }]);
    const [, { h_villageCode_from: from, h_villageCode_to: to }] = inRegion('h.villageCode', '440305');
    const within = (code: string) => code >= from && code < to;
    expect(['440305', '440305001', '440305999999'].every(within)).toBe(true);
    expect(['440304999999', '440306', '44030', '4403'].some(within)).toBe(false);
  });
});
