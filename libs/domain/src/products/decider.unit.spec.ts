import { foldEvents } from '../shared/decider';
import { deciderSpecification } from '../shared/decider-specification';
import { Conflict, Forbidden, InvalidCommand, NotFound } from '../shared/errors';
import { money } from '../shared/money';
import { productDecider } from './decider';
import { DEFAULT_SETTLEMENT_TARGET_DAYS, ProductEvent, ProductTerms, settlementTargetDaysOf } from './events';

const spec = deciderSpecification(productDecider);

const productId = 'prod-1';
const insurerId = 'insurer-1';
const now = '2025-01-10T09:00:00.000Z';
const later = '2025-06-10T09:00:00.000Z';

// 30 yuan a year for 20,000 yuan of accident and illness cover.
const terms: ProductTerms = {
  name: 'Rural accident & illness cover',
  coverageKind: 'accident-illness',
  annualPremium: money(3_000, 'CNY'),
  sumInsured: money(2_000_000, 'CNY'),
  waitingPeriodDays: 30,
  termDays: 365,
};
const revisedTerms: ProductTerms = { ...terms, annualPremium: money(3_500, 'CNY') };

const published: ProductEvent = { type: 'ProductPublished', data: { productId, insurerId, version: 1, terms, publishedAt: now } };
const revised: ProductEvent = { type: 'ProductRevised', data: { productId, insurerId, version: 2, terms: revisedTerms, revisedAt: later } };
const retired: ProductEvent = { type: 'ProductRetired', data: { productId, insurerId, version: 2, retiredAt: later } };

const publish = (withTerms: ProductTerms = terms) => ({ type: 'PublishProduct', data: { productId, insurerId, terms: withTerms, now } }) as const;
const revise = (byInsurer = insurerId) => ({ type: 'ReviseProduct', data: { productId, insurerId: byInsurer, terms: revisedTerms, now: later } }) as const;
const retire = (byInsurer = insurerId) => ({ type: 'RetireProduct', data: { productId, insurerId: byInsurer, now: later } }) as const;

describe('product decider', () => {
  describe('PublishProduct', () => {
    it('publishes version 1', () => {
      spec.given([]).when(publish()).then([published]);
    });

    it('refuses to publish the same product twice', () => {
      spec.given([published]).when(publish()).thenThrows(Conflict, /already published/);
    });

    it('accepts the boundaries: no waiting period, a one-day term, cover equal to the premium, a 200-character name', () => {
      const edgeTerms: ProductTerms = { ...terms, name: 'x'.repeat(200), waitingPeriodDays: 0, termDays: 1, sumInsured: money(3_000, 'CNY') };
      spec.given([]).when(publish(edgeTerms)).then([{ type: 'ProductPublished', data: { ...published.data, terms: edgeTerms } }]);
    });

    it.each<[string, Partial<ProductTerms>, string]>([
      ['an empty name', { name: ' ' }, 'terms.name'],
      ['a name over 200 characters', { name: 'x'.repeat(201) }, 'terms.name'],
      ['an unknown coverage kind', { coverageKind: 'pet' as never }, 'terms.coverageKind'],
      ['a fractional premium', { annualPremium: money(30.5, 'CNY') }, 'terms.annualPremium.amount'],
      ['a zero premium', { annualPremium: money(0, 'CNY') }, 'terms.annualPremium.amount'],
      ['a malformed currency', { annualPremium: money(3_000, 'yuan') }, 'terms.annualPremium.currency'],
      ['a negative sum insured', { sumInsured: money(-1, 'CNY') }, 'terms.sumInsured.amount'],
      ['a sum insured in another currency', { sumInsured: money(2_000_000, 'USD') }, 'terms.sumInsured.currency'],
      ['a sum insured below the premium', { sumInsured: money(2_999, 'CNY') }, 'terms.sumInsured.amount'],
      ['a negative waiting period', { waitingPeriodDays: -1 }, 'terms.waitingPeriodDays'],
      ['a waiting period over a year', { waitingPeriodDays: 366 }, 'terms.waitingPeriodDays'],
      ['a fractional waiting period', { waitingPeriodDays: 1.5 }, 'terms.waitingPeriodDays'],
      ['a zero-day term', { termDays: 0 }, 'terms.termDays'],
      ['a term over 3660 days', { termDays: 3661 }, 'terms.termDays'],
      ['a zero-day settlement target', { settlementTargetDays: 0 }, 'terms.settlementTargetDays'],
      ['a settlement target over a year', { settlementTargetDays: 366 }, 'terms.settlementTargetDays'],
      ['a fractional settlement target', { settlementTargetDays: 2.5 }, 'terms.settlementTargetDays'],
    ])('rejects %s, naming the field', (_, override, field) => {
      let thrown: unknown;
      try {
        productDecider.decide(publish({ ...terms, ...override }), productDecider.initialState());
      } catch (e) {
        thrown = e;
      }
      expect(thrown).toBeInstanceOf(InvalidCommand);
      expect((thrown as InvalidCommand).field).toBe(field);
    });

    it('takes a settlement target of 1 to 365 days, 10 when the terms set none', () => {
      const targeted: ProductTerms = { ...terms, settlementTargetDays: 5 };
      spec.given([]).when(publish(targeted)).then([{ type: 'ProductPublished', data: { ...published.data, terms: targeted } }]);
      spec.given([published]).when({ type: 'ReviseProduct', data: { productId, insurerId, terms: { ...terms, settlementTargetDays: 365 }, now: later } }).then([{ type: 'ProductRevised', data: { ...revised.data, terms: { ...terms, settlementTargetDays: 365 } } }]);
      expect(settlementTargetDaysOf(terms)).toBe(DEFAULT_SETTLEMENT_TARGET_DAYS);
      expect(DEFAULT_SETTLEMENT_TARGET_DAYS).toBe(10);
    });

    it('requires an insurer', () => {
      spec.given([]).when({ type: 'PublishProduct', data: { productId, insurerId: '', terms, now } }).thenThrows(InvalidCommand, /insurerId/);
    });
  });

  describe('a parametric benefit', () => {
    const withBenefit = (parametric: ProductTerms['parametric']) => publish({ ...terms, parametric });
    const fixed = { perils: ['flood' as const], rule: 'fixed' as const, amount: money(50_000, 'CNY') };
    const share = { perils: ['flood' as const, 'typhoon' as const], rule: 'severity-share' as const, shareBasisPointsBySeverity: [10_000, 5_000, 2_000, 0] as [number, number, number, number] };
    it('publishes a fixed amount or a share of the sum insured by severity', () => {
      spec.given([]).when(withBenefit(fixed)).then([{ type: 'ProductPublished', data: { productId, insurerId, version: 1, terms: { ...terms, parametric: fixed }, publishedAt: now } }]);
      spec.given([]).when(withBenefit(share)).then([{ type: 'ProductPublished', data: { productId, insurerId, version: 1, terms: { ...terms, parametric: share }, publishedAt: now } }]);
    });
    it('refuses no peril, an unknown or repeated peril, a fixed amount beyond the sum insured or in another currency, and shares out of range', () => {
      spec.given([]).when(withBenefit({ ...fixed, perils: [] })).thenThrows(InvalidCommand, /^terms\.parametric\.perils must list 1 to 8/);
      spec.given([]).when(withBenefit({ ...fixed, perils: ['meteor' as never] })).thenThrows(InvalidCommand, /^terms\.parametric\.perils\[0\] must be one of/);
      spec.given([]).when(withBenefit({ ...fixed, perils: ['flood', 'flood'] })).thenThrows(InvalidCommand, /^terms\.parametric\.perils must not list a peril twice/);
      spec.given([]).when(withBenefit({ ...fixed, amount: money(2_000_001, 'CNY') })).thenThrows(InvalidCommand, /^terms\.parametric\.amount\.amount must not exceed/);
      spec.given([]).when(withBenefit({ ...fixed, amount: money(5, 'USD') })).thenThrows(InvalidCommand, /^terms\.parametric\.amount\.currency/);
      spec.given([]).when(withBenefit({ ...share, shareBasisPointsBySeverity: [10_001, 0, 0, 0] })).thenThrows(InvalidCommand, /^terms\.parametric\.shareBasisPointsBySeverity\[0\]/);
      spec.given([]).when(withBenefit({ ...share, shareBasisPointsBySeverity: [1, 2, 3] as never })).thenThrows(InvalidCommand, /^terms\.parametric\.shareBasisPointsBySeverity must give 4 shares/);
    });
  });

  describe('ReviseProduct', () => {
    it('revises to the next version', () => {
      spec.given([published]).when(revise()).then([revised]);
      spec
        .given([published, revised])
        .when(revise())
        .then([{ type: 'ProductRevised', data: { ...revised.data, version: 3 } }]);
    });

    it('validates the new terms', () => {
      spec
        .given([published])
        .when({ type: 'ReviseProduct', data: { productId, insurerId, terms: { ...terms, termDays: 0 }, now: later } })
        .thenThrows(InvalidCommand, /terms.termDays/);
    });

    it('cannot revise an unknown product', () => {
      spec.given([]).when(revise()).thenThrows(NotFound, /prod-1/);
    });

    it("forbids revising another insurer's product", () => {
      spec.given([published]).when(revise('insurer-2')).thenThrows(Forbidden, /another insurer/);
    });

    it('refuses to revise a retired product', () => {
      spec.given([published, revised, retired]).when(revise()).thenThrows(Conflict, /retired/);
    });
  });

  describe('RetireProduct', () => {
    it('retires the current version', () => {
      spec.given([published, revised]).when(retire()).then([retired]);
    });

    it('refuses to retire twice', () => {
      spec.given([published, revised, retired]).when(retire()).thenThrows(Conflict, /retired/);
    });

    it("forbids retiring another insurer's product", () => {
      spec.given([published]).when(retire('insurer-2')).thenThrows(Forbidden);
    });

    it('cannot retire an unknown product', () => {
      spec.given([]).when(retire()).thenThrows(NotFound);
    });
  });

  it('exposes the insurer, version, current terms and whether it is retired', () => {
    expect(productDecider.initialState()).toEqual({ published: false });
    expect(foldEvents(productDecider, [published, revised])).toEqual({ published: true, insurerId, version: 2, terms: revisedTerms, retired: false });
    expect(foldEvents(productDecider, [published, revised, retired])).toEqual({ published: true, insurerId, version: 2, terms: revisedTerms, retired: true });
  });
});
