import { Controller, Get, Inject, Query as QueryParam } from '@nestjs/common';
import { ApiOperation, ApiQuery, ApiTags } from '@nestjs/swagger';
import { InvalidCommand } from '@pangolin/domain';
import { Public, RegionNames } from '@pangolin/runtime';
import { REGION_CODE } from '../http/money.dto';

/** At most this many codes per request: a page of a list, with its regions. */
const MAX_CODES = 100;
const CODES_PATTERN = `^\\d{2,12}(,\\d{2,12}){0,${MAX_CODES - 1}}$`;

/** The names of administrative divisions, for showing a name beside every code. */
@ApiTags('regions')
@Controller()
export class RegionsController {
  constructor(@Inject(RegionNames) private readonly names: RegionNames) {}

  @Public()
  @Get('regions/names')
  @ApiOperation({ summary: 'The names of these division codes (comma-separated, at most 100), from the installation\'s code table (REGION_NAMES_FILE); codes it does not know are left out' })
  @ApiQuery({ name: 'codes', required: true, schema: { type: 'string', pattern: CODES_PATTERN, maxLength: MAX_CODES * 13 } })
  namesOf(@QueryParam('codes') codes: unknown) {
    if (typeof codes !== 'string' || codes.length > MAX_CODES * 13) throw new InvalidCommand('codes', `must be one list of at most ${MAX_CODES} division codes, comma-separated`);
    const list = codes.split(',');
    if (list.length > MAX_CODES || !list.every((code) => REGION_CODE.test(code))) throw new InvalidCommand('codes', `must be at most ${MAX_CODES} division codes of 2, 4, 6, 9 or 12 digits, comma-separated`);
    return { names: this.names.namesOf(list) };
  }
}
