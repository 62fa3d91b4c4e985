import { Controller, Get, Param, Query as QueryParam } from '@nestjs/common';
import { QueryBus } from '@nestjs/cqrs';
import { ApiBearerAuth, ApiOperation, ApiQuery, ApiTags } from '@nestjs/swagger';
import { assertIsoDate, HOUSEHOLD_CATEGORIES, InvalidCommand } from '@pangolin/domain';
import { PUBLIC_MOVEMENT_KINDS, type ClaimState, type PageRequest } from '@pangolin/read-models';
import { CurrentUser, Principal, Public, Roles } from '@pangolin/runtime';
import { REGION_CODE } from '../http/money.dto';
import { BOOLEAN_SCHEMA, booleanParameter, DATE_SCHEMA, dateParameter, enumParameter, Paging, textParameter, textSchema } from '../http/paging';
import { ParseUuidParam } from '../http/validation';
import {
  CatalogueQuery,
  DonorGiftsQuery,
  GiftTraceQuery,
  GovernmentDashboardQuery,
  GovernmentHouseholdsQuery,
  HouseholdHistoryQuery,
  HouseholdPoliciesQuery,
  HouseholdQuery,
  IndicatorsQuery,
  InsurerListQuery,
  InsurerLossRatioQuery,
  InsurerViewQuery,
  LedgerQuery,
  PublicMoneyFeedQuery,
  PublicProgrammesQuery,
  PublicViewQuery,
  UncoveredHouseholdsQuery,
} from './views.queries';

function regionParameter(value: string | undefined, field = 'region'): string | undefined {
  if (value !== undefined && !REGION_CODE.test(value)) throw new InvalidCommand(field, 'must be an administrative division code of 2, 4, 6, 9 or 12 digits');
  return value;
}

const REGION_SCHEMA = { type: 'string', pattern: REGION_CODE.source } as const;
const CATEGORY_SCHEMA = { type: 'string', enum: [...HOUSEHOLD_CATEGORIES] };
const CODE_SCHEMA = textSchema(64);
const GIFT_STATUSES = ['pledged', 'paid', 'partly-allocated', 'holding-remainder', 'settled', 'refunded', 'expired', 'withdrawn'] as const;
const POLICY_STATUSES = ['requested', 'active', 'expired', 'cancelled'] as const;
const CLAIM_STATES = ['filed', 'approved', 'rejected', 'paid'] as const;
const MONTH_SCHEMA = { type: 'string', pattern: '^[0-9]{4}-(0[1-9]|1[0-2])$' } as const;
const MONTHS_SCHEMA = { type: 'integer', minimum: 1, maximum: 60 } as const;
const INDICATORS_SUMMARY =
  'by month (YYYY-MM, UTC): earned premium; incurred claims ratio (claims approved in the month, each paid claim being approved first, / premium earned in the month); ' +
  'renewal ratio (expired policies renewed: same household and product, the new policy starting at most 30 days after the end / policies that expired with an end date in the month); ' +
  "settlement promptness (claims paid or rejected in the month within their product's target, default 10 days from filing or declaration / claims settled in the month), mean days to decision and to payment; " +
  'coverage rate (eligible households with an issued policy in force / eligible households, at the month end)';

/** `months`: a whole number from 1 to 60, 12 when absent. */
function monthsParameter(months: string | undefined): number {
  const count = months === undefined ? 12 : Number(months);
  if (!/^\d+$/.test(months ?? '12') || count < 1 || count > 60) throw new InvalidCommand('months', 'must be a whole number from 1 to 60');
  return count;
}

/** An optional month, YYYY-MM. */
function monthParameter(field: string, value: string | undefined): string | undefined {
  if (value !== undefined && !new RegExp(MONTH_SCHEMA.pattern).test(value)) throw new InvalidCommand(field, 'must be a month written YYYY-MM');
  return value;
}

const CLAIM_STATE_LIST = new RegExp(`^(${CLAIM_STATES.join('|')})(,(${CLAIM_STATES.join('|')})){0,3}$`);

@ApiTags('views')
@Controller()
export class ViewsController {
  constructor(private readonly queryBus: QueryBus) {}

  @Public()
  @Get('households/uncovered')
  @ApiOperation({ summary: 'Eligible households still needing a premium for a product, anonymised, in the order programmes allocate (earliest verified first, then code) (anyone)' })
  @ApiQuery({ name: 'region', example: '440305', schema: REGION_SCHEMA, description: 'A county, town or village code' })
  @ApiQuery({ name: 'productId', schema: { type: 'string', format: 'uuid' } })
  @ApiQuery({ name: 'category', required: false, schema: CATEGORY_SCHEMA })
  @ApiQuery({ name: 'code', required: false, schema: CODE_SCHEMA, description: 'The start of a household code, in any letter case' })
  uncovered(
    @QueryParam('region') region: string,
    @QueryParam('productId', ParseUuidParam) productId: string,
    @QueryParam('category') category: string | undefined,
    @QueryParam('code') code: string | undefined,
    @Paging() page: PageRequest,
  ) {
    if (!region) throw new InvalidCommand('region', 'is required');
    const filter = { regionPrefix: regionParameter(region) as string, productId, category: enumParameter('category', category, HOUSEHOLD_CATEGORIES), code: textParameter('code', code, 64) };
    return this.queryBus.execute(new UncoveredHouseholdsQuery(filter, page));
  }

  @Public()
  @Get('households/:householdId')
  @ApiOperation({ summary: 'A household: full record for its government and insurer of record, pseudonymous for everyone else' })
  @ApiBearerAuth() // optional: a signed-in government or insurer of record sees more
  household(@CurrentUser() user: Principal | undefined, @Param('householdId', ParseUuidParam) householdId: string) {
    return this.queryBus.execute(new HouseholdQuery(user, householdId));
  }

  @Get('households/:householdId/policies')
  @Roles('government', 'insurer')
  @ApiOperation({ summary: "A household's policies, oldest request first (its government, its insurer of record); its record shows the first page" })
  householdPolicies(@CurrentUser() user: Principal, @Param('householdId', ParseUuidParam) householdId: string, @Paging() page: PageRequest) {
    return this.queryBus.execute(new HouseholdPoliciesQuery(user, householdId, page));
  }

  @Get('households/:householdId/history')
  @Roles('government', 'insurer')
  @ApiOperation({ summary: "A household's history, oldest first: registration, verifications, gifts, policies, claims, erasure, each with the event that records it (its government, its insurer of record)" })
  householdHistory(@CurrentUser() user: Principal, @Param('householdId', ParseUuidParam) householdId: string, @Paging() page: PageRequest) {
    return this.queryBus.execute(new HouseholdHistoryQuery(user, householdId, page));
  }

  @Get('government/dashboard')
  @Roles('government')
  @ApiOperation({ summary: 'Coverage of your region and of each of its direct subdivisions (a county\'s towns, a town\'s villages), claims by state' })
  @ApiQuery({ name: 'region', required: false, schema: REGION_SCHEMA })
  governmentDashboard(@CurrentUser() user: Principal, @QueryParam('region') region?: string) {
    return this.queryBus.execute(new GovernmentDashboardQuery(user, regionParameter(region)));
  }

  @Get('government/households')
  @Roles('government')
  @ApiOperation({ summary: 'Households of your region with their personal data, by village then code (with `code`, by code)' })
  @ApiQuery({ name: 'region', required: false, schema: REGION_SCHEMA })
  @ApiQuery({ name: 'eligible', required: false, schema: BOOLEAN_SCHEMA })
  @ApiQuery({ name: 'covered', required: false, schema: BOOLEAN_SCHEMA, description: 'A policy requested or in force for some product' })
  @ApiQuery({ name: 'category', required: false, schema: CATEGORY_SCHEMA })
  @ApiQuery({ name: 'code', required: false, schema: CODE_SCHEMA, description: 'The start of a household code, in any letter case (the list is then in code order)' })
  governmentHouseholds(
    @CurrentUser() user: Principal,
    @QueryParam('region') region: string | undefined,
    @QueryParam('eligible') eligible: string | undefined,
    @QueryParam('covered') covered: string | undefined,
    @QueryParam('category') category: string | undefined,
    @QueryParam('code') code: string | undefined,
    @Paging() page: PageRequest,
  ) {
    const filter = {
      eligible: booleanParameter('eligible', eligible),
      covered: booleanParameter('covered', covered),
      category: enumParameter('category', category, HOUSEHOLD_CATEGORIES),
      code: textParameter('code', code, 64),
    };
    return this.queryBus.execute(new GovernmentHouseholdsQuery(user, regionParameter(region), filter, page));
  }

  @Get('donor/gifts')
  @Roles('donor')
  @ApiOperation({ summary: 'My gifts, newest first, each with the first page of its allocations (policies, claims paid) and refunds' })
  @ApiQuery({ name: 'status', required: false, schema: { type: 'string', enum: [...GIFT_STATUSES] } })
  @ApiQuery({ name: 'targetKind', required: false, schema: { type: 'string', enum: ['household', 'programme'] } })
  @ApiQuery({ name: 'productId', required: false, schema: { type: 'string', format: 'uuid' } })
  @ApiQuery({ name: 'programmeId', required: false, schema: { type: 'string', format: 'uuid' } })
  @ApiQuery({ name: 'from', required: false, schema: DATE_SCHEMA, description: 'Pledged on or after this day' })
  @ApiQuery({ name: 'to', required: false, schema: DATE_SCHEMA, description: 'Pledged on or before this day' })
  @ApiQuery({ name: 'giftId', required: false, schema: { type: 'string', format: 'uuid' }, description: 'Search: this gift only' })
  myGifts(
    @CurrentUser() user: Principal,
    @QueryParam('status') status: string | undefined,
    @QueryParam('targetKind') targetKind: string | undefined,
    @QueryParam('productId', new ParseUuidParam({ optional: true })) productId: string | undefined,
    @QueryParam('programmeId', new ParseUuidParam({ optional: true })) programmeId: string | undefined,
    @QueryParam('from') from: string | undefined,
    @QueryParam('to') to: string | undefined,
    @QueryParam('giftId', new ParseUuidParam({ optional: true })) giftId: string | undefined,
    @Paging() page: PageRequest,
  ) {
    const filter = {
      status: enumParameter('status', status, GIFT_STATUSES),
      targetKind: enumParameter('targetKind', targetKind, ['household', 'programme'] as const),
      productId,
      programmeId,
      pledgedFrom: dateParameter('from', from),
      pledgedTo: dateParameter('to', to),
      giftId,
    };
    return this.queryBus.execute(new DonorGiftsQuery(user.userId, filter, page));
  }

  @Get('gifts/:giftId')
  @ApiOperation({ summary: 'One gift and its trace, with the first page of its allocations and refunds (its donor, auditors, admins)' })
  gift(@CurrentUser() user: Principal, @Param('giftId', ParseUuidParam) giftId: string) {
    return this.queryBus.execute(new GiftTraceQuery(user, giftId));
  }

  @Get('gifts/:giftId/allocations')
  @ApiOperation({ summary: "A gift's allocations in the order they were made, each with its policy and the claims it paid (its donor, auditors, admins)" })
  giftAllocations(@CurrentUser() user: Principal, @Param('giftId', ParseUuidParam) giftId: string, @Paging() page: PageRequest) {
    return this.queryBus.execute(new GiftTraceQuery(user, giftId, { list: 'allocations', page }));
  }

  @Get('gifts/:giftId/refunds')
  @ApiOperation({ summary: "A gift's refunds in the order they happened (its donor, auditors, admins)" })
  giftRefunds(@CurrentUser() user: Principal, @Param('giftId', ParseUuidParam) giftId: string, @Paging() page: PageRequest) {
    return this.queryBus.execute(new GiftTraceQuery(user, giftId, { list: 'refunds', page }));
  }

  @Get('insurer/dashboard')
  @Roles('insurer')
  @ApiOperation({ summary: 'Policies counted by state, premiums, claims by state and loss ratio (the lists: insurer/policies, insurer/claims, products)' })
  @ApiQuery({ name: 'asOf', required: false, schema: DATE_SCHEMA, description: 'Date premiums are earned up to (default today)' })
  insurerDashboard(@CurrentUser() user: Principal, @QueryParam('asOf') asOf?: string) {
    if (asOf !== undefined) assertIsoDate(asOf, 'asOf');
    return this.queryBus.execute(new InsurerViewQuery(user.insurerId as string, asOf ?? new Date().toISOString().slice(0, 10)));
  }

  @Get('insurer/policies')
  @Roles('insurer')
  @ApiOperation({ summary: "Your policies, newest request first, each with its household: personal data once you have issued the household a policy" })
  @ApiQuery({ name: 'status', required: false, schema: { type: 'string', enum: [...POLICY_STATUSES] } })
  @ApiQuery({ name: 'productId', required: false, schema: { type: 'string', format: 'uuid' } })
  @ApiQuery({ name: 'region', required: false, schema: REGION_SCHEMA, description: "The household's county, town or village" })
  @ApiQuery({ name: 'search', required: false, schema: CODE_SCHEMA, description: 'A policy number, or the start of a household code' })
  @ApiQuery({ name: 'from', required: false, schema: DATE_SCHEMA, description: 'Requested on or after this day' })
  @ApiQuery({ name: 'to', required: false, schema: DATE_SCHEMA, description: 'Requested on or before this day' })
  insurerPolicies(
    @CurrentUser() user: Principal,
    @QueryParam('status') status: string | undefined,
    @QueryParam('productId', new ParseUuidParam({ optional: true })) productId: string | undefined,
    @QueryParam('region') region: string | undefined,
    @QueryParam('search') search: string | undefined,
    @QueryParam('from') from: string | undefined,
    @QueryParam('to') to: string | undefined,
    @Paging() page: PageRequest,
  ) {
    const filter = {
      status: enumParameter('status', status, POLICY_STATUSES),
      productId,
      regionPrefix: regionParameter(region),
      search: textParameter('search', search, 64),
      requestedFrom: dateParameter('from', from),
      requestedTo: dateParameter('to', to),
    };
    return this.queryBus.execute(new InsurerListQuery(user.insurerId as string, { what: 'policies', filter }, page));
  }

  @Get('insurer/claims')
  @Roles('insurer')
  @ApiOperation({ summary: 'Your claims, oldest filed first, with policy number and household code; the queue is state=filed,approved' })
  @ApiQuery({ name: 'state', required: false, schema: { type: 'string', pattern: CLAIM_STATE_LIST.source }, description: 'One state, or several separated by commas' })
  @ApiQuery({ name: 'policyId', required: false, schema: { type: 'string', format: 'uuid' } })
  @ApiQuery({ name: 'from', required: false, schema: DATE_SCHEMA, description: 'Filed on or after this day' })
  @ApiQuery({ name: 'to', required: false, schema: DATE_SCHEMA, description: 'Filed on or before this day' })
  insurerClaims(
    @CurrentUser() user: Principal,
    @QueryParam('state') state: string | undefined,
    @QueryParam('policyId', new ParseUuidParam({ optional: true })) policyId: string | undefined,
    @QueryParam('from') from: string | undefined,
    @QueryParam('to') to: string | undefined,
    @Paging() page: PageRequest,
  ) {
    if (state !== undefined && !CLAIM_STATE_LIST.test(state)) throw new InvalidCommand('state', `must be one or more of ${CLAIM_STATES.join(', ')}, separated by commas`);
    const filter = { states: state?.split(',') as ClaimState[] | undefined, policyId, filedFrom: dateParameter('from', from), filedTo: dateParameter('to', to) };
    return this.queryBus.execute(new InsurerListQuery(user.insurerId as string, { what: 'claims', filter }, page));
  }

  @Get('insurer/loss-ratio')
  @Roles('insurer')
  @ApiOperation({ summary: 'Cumulative loss ratio at each month-end up to a date, per currency' })
  @ApiQuery({ name: 'to', required: false, schema: DATE_SCHEMA, description: 'Last day of the series (default today)' })
  @ApiQuery({ name: 'months', required: false, schema: { type: 'integer', minimum: 1, maximum: 60 }, description: 'Number of points, 1 to 60 (default 12)' })
  insurerLossRatio(@CurrentUser() user: Principal, @QueryParam('to') to?: string, @QueryParam('months') months?: string) {
    const lastDay = to ?? new Date().toISOString().slice(0, 10);
    assertIsoDate(lastDay, 'to');
    return this.queryBus.execute(new InsurerLossRatioQuery(user.insurerId as string, lastDay, monthsParameter(months)));
  }

  @Get('insurer/indicators')
  @Roles('insurer')
  @ApiOperation({ summary: `Your products' indicators ${INDICATORS_SUMMARY} (households covered by your policies); and your share of claims settled on time (on time / settled + open past their target now)` })
  @ApiQuery({ name: 'to', required: false, schema: MONTH_SCHEMA, description: 'Last month of the series (default this month)' })
  @ApiQuery({ name: 'months', required: false, schema: MONTHS_SCHEMA, description: 'Number of months, 1 to 60 (default 12)' })
  @ApiQuery({ name: 'region', required: false, schema: REGION_SCHEMA, description: "Households of this county, town or village only (coverage's eligible households: of this region; default the whole platform)" })
  insurerIndicators(@CurrentUser() user: Principal, @QueryParam('to') to?: string, @QueryParam('months') months?: string, @QueryParam('region') region?: string) {
    return this.queryBus.execute(new IndicatorsQuery(user, { what: 'months', to: monthParameter('to', to), months: monthsParameter(months), regionCode: regionParameter(region) }));
  }

  @Get('insurer/promptness/claims')
  @Roles('insurer')
  @ApiOperation({ summary: "Your claims' settlement promptness (times from filing, or the declaration, to decision and payment, against the product's target), soonest due first; late=true: settled late or open past the target now" })
  @ApiQuery({ name: 'late', required: false, schema: BOOLEAN_SCHEMA })
  insurerPromptnessClaims(@CurrentUser() user: Principal, @QueryParam('late') late: string | undefined, @Paging() page: PageRequest) {
    return this.queryBus.execute(new IndicatorsQuery(user, { what: 'claims', late: booleanParameter('late', late), page }));
  }

  @Get('government/indicators')
  @Roles('government')
  @ApiOperation({ summary: `Your region's indicators ${INDICATORS_SUMMARY}` })
  @ApiQuery({ name: 'region', required: false, schema: REGION_SCHEMA })
  @ApiQuery({ name: 'to', required: false, schema: MONTH_SCHEMA, description: 'Last month of the series (default this month)' })
  @ApiQuery({ name: 'months', required: false, schema: MONTHS_SCHEMA, description: 'Number of months, 1 to 60 (default 12)' })
  governmentIndicators(@CurrentUser() user: Principal, @QueryParam('region') region?: string, @QueryParam('to') to?: string, @QueryParam('months') months?: string) {
    return this.queryBus.execute(new IndicatorsQuery(user, { what: 'months', regionCode: regionParameter(region), to: monthParameter('to', to), months: monthsParameter(months) }));
  }

  @Get('government/promptness/insurers')
  @Roles('government')
  @ApiOperation({ summary: "Each insurer's share of your region's claims settled on time (on time / settled + open past their target now), by insurer id" })
  @ApiQuery({ name: 'region', required: false, schema: REGION_SCHEMA })
  governmentPromptnessInsurers(@CurrentUser() user: Principal, @QueryParam('region') region: string | undefined, @Paging() page: PageRequest) {
    return this.queryBus.execute(new IndicatorsQuery(user, { what: 'insurers', regionCode: regionParameter(region), page }));
  }

  @Get('government/promptness/claims')
  @Roles('government')
  @ApiOperation({ summary: "Your region's claims with their settlement promptness, soonest due first; late=true: settled late or open past the target now" })
  @ApiQuery({ name: 'region', required: false, schema: REGION_SCHEMA })
  @ApiQuery({ name: 'late', required: false, schema: BOOLEAN_SCHEMA })
  governmentPromptnessClaims(@CurrentUser() user: Principal, @QueryParam('region') region: string | undefined, @QueryParam('late') late: string | undefined, @Paging() page: PageRequest) {
    return this.queryBus.execute(new IndicatorsQuery(user, { what: 'claims', regionCode: regionParameter(region), late: booleanParameter('late', late), page }));
  }

  @Get('government/promptness/declarations')
  @Roles('government')
  @ApiOperation({ summary: 'Disaster declarations made within your region, with the time to the first answer and to the first completed payouts against their target (the smallest of the confirmed products\' targets), soonest due first' })
  @ApiQuery({ name: 'region', required: false, schema: REGION_SCHEMA })
  @ApiQuery({ name: 'late', required: false, schema: BOOLEAN_SCHEMA })
  governmentPromptnessDeclarations(@CurrentUser() user: Principal, @QueryParam('region') region: string | undefined, @QueryParam('late') late: string | undefined, @Paging() page: PageRequest) {
    return this.queryBus.execute(new IndicatorsQuery(user, { what: 'declarations', regionCode: regionParameter(region), late: booleanParameter('late', late), page }));
  }

  @Public()
  @Get('public/totals')
  @ApiOperation({ summary: "Platform totals, reconciling pledged, received, allocated and paid out (no personal data); each programme's are public/programmes" })
  publicTotals() {
    return this.queryBus.execute(new PublicViewQuery());
  }

  @Public()
  @Get('public/programmes')
  @ApiOperation({ summary: 'Programmes by id, each with its totals reconciling pledged, received, allocated and paid out (no personal data)' })
  publicProgrammes(@Paging() page: PageRequest) {
    return this.queryBus.execute(new PublicProgrammesQuery(page));
  }

  @Public()
  @Get('public/money-movements')
  @ApiOperation({ summary: 'Money movements newest first (gifts received, premiums paid to insurers, claims paid, refunds): kind, amount, time and the event that records it; nobody is named' })
  @ApiQuery({ name: 'kind', required: false, schema: { type: 'string', enum: [...PUBLIC_MOVEMENT_KINDS] } })
  publicMoneyMovements(@QueryParam('kind') kind: string | undefined, @Paging() page: PageRequest) {
    return this.queryBus.execute(new PublicMoneyFeedQuery(page, enumParameter('kind', kind, PUBLIC_MOVEMENT_KINDS)));
  }

  @Public()
  @Get('products')
  @ApiOperation({ summary: 'Products on offer, by id' })
  @ApiQuery({ name: 'insurerId', required: false, schema: CODE_SCHEMA })
  @ApiQuery({ name: 'includeRetired', required: false, schema: BOOLEAN_SCHEMA, description: 'default false' })
  products(@QueryParam('insurerId') insurerId: string | undefined, @QueryParam('includeRetired') includeRetired: string | undefined, @Paging() page: PageRequest) {
    const filter = { insurerId: textParameter('insurerId', insurerId, 64), includeRetired: booleanParameter('includeRetired', includeRetired) };
    return this.queryBus.execute(new CatalogueQuery({ what: 'products', filter }, page));
  }

  @Public()
  @Get('programmes')
  @ApiOperation({ summary: 'Programmes, by id' })
  @ApiQuery({ name: 'region', required: false, schema: REGION_SCHEMA, description: 'Programmes whose region lies inside this one' })
  @ApiQuery({ name: 'productId', required: false, schema: { type: 'string', format: 'uuid' } })
  @ApiQuery({ name: 'closed', required: false, schema: BOOLEAN_SCHEMA })
  programmes(
    @QueryParam('region') region: string | undefined,
    @QueryParam('productId', new ParseUuidParam({ optional: true })) productId: string | undefined,
    @QueryParam('closed') closed: string | undefined,
    @Paging() page: PageRequest,
  ) {
    const filter = { regionPrefix: regionParameter(region), productId, closed: booleanParameter('closed', closed) };
    return this.queryBus.execute(new CatalogueQuery({ what: 'programmes', filter }, page));
  }

  @Get('ledger')
  @Roles('auditor', 'admin')
  @ApiOperation({ summary: "Ledger total per currency (always zero), and a page of account balances by account" })
  @ApiQuery({ name: 'account', required: false, schema: { type: 'string', minLength: 1, maxLength: 120 }, description: 'Accounts starting with this, e.g. escrow:gift:' })
  ledger(@QueryParam('account') account: string | undefined, @Paging() page: PageRequest) {
    return this.queryBus.execute(new LedgerQuery(page, { accountPrefix: textParameter('account', account, 120) }));
  }

  @Get('ledger/gifts/:giftId')
  @Roles('auditor', 'admin')
  @ApiOperation({ summary: 'The ledger entries that trace to one gift, in log order' })
  ledgerOfGift(@Param('giftId', ParseUuidParam) giftId: string, @Paging() page: PageRequest) {
    return this.queryBus.execute(new LedgerQuery(page, { giftId }));
  }
}
