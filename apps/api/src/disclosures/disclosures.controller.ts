import { Body, Controller, Get, Headers, Inject, NotFoundException, Param, Post, Query, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiParam, ApiQuery, ApiTags } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { DataSource } from 'typeorm';
import { computeDisclosure } from '@pangolin/application';
import { disclosureDecider, disclosurePeriod, disclosureReportId, disclosureStream, InvalidCommand, type DisclosureScope } from '@pangolin/domain';
import type { EventStore } from '@pangolin/event-store';
import { disclosureReport, findProgramme, listDisclosureReports, mapPage, type DisclosureReportRow, type PageRequest } from '@pangolin/read-models';
import { CheckpointPublisher, EVENT_STORE, Public, READ_DB, Roles } from '@pangolin/runtime';
import { CommandRunner } from '../infrastructure/command-runner.service';
import { Paging } from '../http/paging';
import { Ctx, RequestContext } from '../http/request-context';
import { ParseUuidParam } from '../http/validation';
import { disclosureCsv, type CsvLanguage } from './disclosure-csv';
import { PublishDisclosureDto } from './disclosures.dto';

const VERSION = /^[1-9][0-9]{0,5}$/;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const LANGUAGES: CsvLanguage[] = ['both', 'en', 'zh-CN'];

/** A report as the API answers it: what was published, and where to check it. */
function reportView(row: DisclosureReportRow) {
  const { report } = row;
  return { ...report, checkpoint: { ...report.checkpoint, url: `/transparency/checkpoints/${report.checkpoint.size}` }, latest: row.latest, csvUrl: `/disclosures/${report.reportId}?version=${report.version}&format=csv` };
}

/**
 * Disclosure reports of the platform and of each programme: published by an administrator (the
 * figures are computed once, from the log up to a checkpoint signed for them, and recorded as an
 * event), read by anyone as JSON or CSV. A correction is a new version; every version stays.
 */
@ApiTags('disclosures')
@Controller('disclosures')
export class DisclosuresController {
  constructor(
    @Inject(EVENT_STORE) private readonly store: EventStore,
    @Inject(READ_DB) private readonly db: DataSource,
    private readonly publisher: CheckpointPublisher,
    private readonly commands: CommandRunner,
  ) {}

  @Post()
  @Roles('admin')
  @ApiBearerAuth()
  @ApiOperation({ summary: 'Publish a disclosure report of the platform or a programme for a quarter or a date range (admins); again, with a correctionNote, for a corrected version' })
  async publish(@Ctx() context: RequestContext, @Body() body: PublishDisclosureDto) {
    const period = disclosurePeriod(body);
    const scope: DisclosureScope = body.programmeId === undefined ? { kind: 'platform' } : { kind: 'programme', programmeId: body.programmeId };
    if (body.programmeId !== undefined && !(await findProgramme(this.db.manager, body.programmeId))) throw new NotFoundException(`programme ${body.programmeId} not found`);
    const checkpoint = await this.publisher.publish();
    if (!checkpoint) throw new NotFoundException('the log is empty: there is nothing to report');
    const figures = await computeDisclosure(this.store, scope, period, checkpoint.size);
    const reportId = disclosureReportId(scope, period);
    const decided = await this.commands.run(disclosureDecider, disclosureStream(reportId), {
      type: 'PublishDisclosureReport',
      data: {
        reportId,
        scope,
        period,
        checkpoint: { size: checkpoint.size.toString(), rootHash: checkpoint.rootHash },
        figures,
        correctionNote: body.correctionNote ?? null,
        publishedBy: `${context.user.role}:${context.user.userId}`,
        now: this.commands.now(),
      },
    }, context);
    const version = decided.state.versions;
    return { reportId, version, checkpoint: { size: checkpoint.size.toString(), rootHash: checkpoint.rootHash }, url: `/disclosures/${reportId}?version=${version}` };
  }

  @Public()
  @Get()
  @ApiOperation({ summary: 'Published disclosure reports, newest first: the latest version of each, or every version of one (reportId)' })
  @ApiQuery({ name: 'programmeId', required: false, schema: { type: 'string', format: 'uuid' }, description: "Only this programme's reports" })
  @ApiQuery({ name: 'platform', required: false, schema: { type: 'string', enum: ['true'] }, description: "Only the platform's reports" })
  @ApiQuery({ name: 'reportId', required: false, schema: { type: 'string', format: 'uuid' }, description: 'Every version of this report' })
  async list(@Query('programmeId') programmeId: string | undefined, @Query('platform') platform: string | undefined, @Query('reportId') reportId: string | undefined, @Paging() page: PageRequest) {
    if (platform !== undefined && platform !== 'true') throw new InvalidCommand('platform', 'must be true when given');
    if (programmeId !== undefined && !UUID.test(programmeId)) throw new InvalidCommand('programmeId', 'must be a UUID');
    if (reportId !== undefined && !UUID.test(reportId)) throw new InvalidCommand('reportId', 'must be a UUID');
    if (platform !== undefined && programmeId !== undefined) throw new InvalidCommand('platform', 'must not be given with programmeId');
    const scope = platform === 'true' ? '' : programmeId;
    return mapPage(await listDisclosureReports(this.db.manager, { scope, reportId }, page), reportView);
  }

  @Public()
  @Get(':reportId')
  @ApiOperation({ summary: 'One disclosure report (its latest version, or ?version=): JSON, or CSV with ?format=csv or Accept: text/csv (lang=both|en|zh-CN)' })
  @ApiParam({ name: 'reportId', format: 'uuid' })
  @ApiQuery({ name: 'version', required: false, schema: { type: 'string', pattern: VERSION.source } })
  @ApiQuery({ name: 'format', required: false, schema: { type: 'string', enum: ['json', 'csv'] } })
  @ApiQuery({ name: 'lang', required: false, schema: { type: 'string', enum: LANGUAGES } })
  async one(
    @Param('reportId', ParseUuidParam) reportId: string,
    @Query('version') version: string | undefined,
    @Query('format') format: string | undefined,
    @Query('lang') lang: string | undefined,
    @Headers('accept') accept: string | undefined,
    @Res({ passthrough: true }) reply: FastifyReply,
  ) {
    if (version !== undefined && !VERSION.test(version)) throw new InvalidCommand('version', 'must be a whole number from 1');
    if (format !== undefined && format !== 'json' && format !== 'csv') throw new InvalidCommand('format', 'must be json or csv');
    if (lang !== undefined && !LANGUAGES.includes(lang as CsvLanguage)) throw new InvalidCommand('lang', 'must be both, en or zh-CN');
    const row = await disclosureReport(this.db.manager, reportId, version === undefined ? undefined : Number(version));
    if (!row) throw new NotFoundException(version === undefined ? `disclosure report ${reportId} not found` : `version ${version} of disclosure report ${reportId} not found`);
    const csv = format === 'csv' || (format === undefined && /\btext\/csv\b/.test(accept ?? ''));
    if (!csv) return reportView(row);
    reply.header('content-type', 'text/csv; charset=utf-8');
    reply.header('content-disposition', `attachment; filename="disclosure-${reportId}-v${row.version}.csv"`);
    return disclosureCsv(row.report, (lang as CsvLanguage | undefined) ?? 'both');
  }
}
