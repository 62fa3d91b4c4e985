import { Controller, Get, Param, Query as QueryParam } from '@nestjs/common';
import { QueryBus } from '@nestjs/cqrs';
import { ApiBearerAuth, ApiOperation, ApiQuery, ApiTags } from '@nestjs/swagger';
import { assertIsoDate, InvalidCommand } from '@pangolin/domain';
import { CurrentUser, Public, Roles } from '../auth/decorators';
import { Principal } from '../auth/principal';
import { REGION_CODE } from '../http/money.dto';
import { ParseUuidParam } from '../http/validation';
import {
  CatalogueQuery,
  DonorGiftsQuery,
  GiftTraceQuery,
  GovernmentDashboardQuery,
  GovernmentHouseholdsQuery,
  HouseholdQuery,
  InsurerLossRatioQuery,
  InsurerViewQuery,
  LedgerQuery,
  PublicViewQuery,
  UncoveredHouseholdsQuery,
} from './views.queries';

function regionParameter(value: string | undefined, field = 'region'): string | undefined {
  if (value !== undefined && !REGION_CODE.test(value)) throw new InvalidCommand(field, 'must be an administrative division code of 2, 4, 6, 9 or 12 digits');
  return value;
}

const REGION_SCHEMA = { type: 'string', pattern: REGION_CODE.source } as const;
const DATE_SCHEMA = { type: 'string', format: 'date' } as const;

@ApiTags('views')
@Controller()
export class ViewsController {
  constructor(private readonly queryBus: QueryBus) {}

  @Public()
  @Get('households/uncovered')
  @ApiOperation({ summary: 'Eligible households still needing a premium for a product, anonymised (anyone)' })
  @ApiQuery({ name: 'region', example: '440305', schema: REGION_SCHEMA })
  @ApiQuery({ name: 'productId', schema: { type: 'string', format: 'uuid' } })
  uncovered(@QueryParam('region') region: string, @QueryParam('productId', ParseUuidParam) productId: string) {
    if (!region) throw new InvalidCommand('region', 'is required');
    return this.queryBus.execute(new UncoveredHouseholdsQuery(regionParameter(region) as string, productId));
  }

  @Public()
  @Get('households/:householdId')
  @ApiOperation({ summary: 'A household: full record for its government and insurer of record, pseudonymous for everyone else' })
  @ApiBearerAuth() // optional: a signed-in government or insurer of record sees more
  household(@CurrentUser() user: Principal | undefined, @Param('householdId', ParseUuidParam) householdId: string) {
    return this.queryBus.execute(new HouseholdQuery(user, householdId));
  }

  @Get('government/dashboard')
  @Roles('government')
  @ApiOperation({ summary: 'Coverage of your region, rolled up county -> town -> village' })
  @ApiQuery({ name: 'region', required: false, schema: REGION_SCHEMA })
  governmentDashboard(@CurrentUser() user: Principal, @QueryParam('region') region?: string) {
    return this.queryBus.execute(new GovernmentDashboardQuery(user, regionParameter(region)));
  }

  @Get('government/households')
  @Roles('government')
  @ApiOperation({ summary: 'Households of your region with their personal data' })
  @ApiQuery({ name: 'region', required: false, schema: REGION_SCHEMA })
  governmentHouseholds(@CurrentUser() user: Principal, @QueryParam('region') region?: string) {
    return this.queryBus.execute(new GovernmentHouseholdsQuery(user, regionParameter(region)));
  }

  @Get('donor/gifts')
  @Roles('donor')
  @ApiOperation({ summary: 'My gifts, each with its trace: allocations, policies, claims paid, refunds' })
  myGifts(@CurrentUser() user: Principal) {
    return this.queryBus.execute(new DonorGiftsQuery(user.userId));
  }

  @Get('gifts/:giftId')
  @ApiOperation({ summary: 'One gift and its trace (its donor, auditors, admins)' })
  gift(@CurrentUser() user: Principal, @Param('giftId', ParseUuidParam) giftId: string) {
    return this.queryBus.execute(new GiftTraceQuery(user, giftId));
  }

  @Get('insurer/dashboard')
  @Roles('insurer')
  @ApiOperation({ summary: 'Products, policies by state, premiums, claims queue and loss ratio' })
  @ApiQuery({ name: 'asOf', required: false, schema: DATE_SCHEMA, description: 'Date premiums are earned up to (default today)' })
  insurerDashboard(@CurrentUser() user: Principal, @QueryParam('asOf') asOf?: string) {
    if (asOf !== undefined) assertIsoDate(asOf, 'asOf');
    return this.queryBus.execute(new InsurerViewQuery(user.insurerId as string, asOf ?? new Date().toISOString().slice(0, 10)));
  }

  @Get('insurer/loss-ratio')
  @Roles('insurer')
  @ApiOperation({ summary: 'Cumulative loss ratio at each month-end up to a date, per currency' })
  @ApiQuery({ name: 'to', required: false, schema: DATE_SCHEMA, description: 'Last day of the series (default today)' })
  @ApiQuery({ name: 'months', required: false, schema: { type: 'integer', minimum: 1, maximum: 60 }, description: 'Number of points, 1 to 60 (default 12)' })
  insurerLossRatio(@CurrentUser() user: Principal, @QueryParam('to') to?: string, @QueryParam('months') months?: string) {
    const lastDay = to ?? new Date().toISOString().slice(0, 10);
    assertIsoDate(lastDay, 'to');
    const count = months === undefined ? 12 : Number(months);
    if (!/^\d+$/.test(months ?? '12') || count < 1 || count > 60) throw new InvalidCommand('months', 'must be a whole number from 1 to 60');
    return this.queryBus.execute(new InsurerLossRatioQuery(user.insurerId as string, lastDay, count));
  }

  @Public()
  @Get('public/totals')
  @ApiOperation({ summary: 'Programme and platform totals, reconciling pledged, received, allocated and paid out (no personal data)' })
  publicTotals() {
    return this.queryBus.execute(new PublicViewQuery());
  }

  @Public()
  @Get('products')
  @ApiOperation({ summary: 'Products on offer' })
  products() {
    return this.queryBus.execute(new CatalogueQuery('products'));
  }

  @Public()
  @Get('programmes')
  @ApiOperation({ summary: 'Programmes' })
  programmes() {
    return this.queryBus.execute(new CatalogueQuery('programmes'));
  }

  @Get('ledger')
  @Roles('auditor', 'admin')
  @ApiOperation({ summary: 'Ledger total per currency (always zero) and every account\'s balance' })
  ledger() {
    return this.queryBus.execute(new LedgerQuery());
  }

  @Get('ledger/gifts/:giftId')
  @Roles('auditor', 'admin')
  @ApiOperation({ summary: 'Every ledger entry that traces to one gift' })
  ledgerOfGift(@Param('giftId', ParseUuidParam) giftId: string) {
    return this.queryBus.execute(new LedgerQuery(giftId));
  }
}
