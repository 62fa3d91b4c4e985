import { Body, Controller, Get, HttpCode, Inject, Param, Post, Query as QueryParam } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiParam, ApiProperty, ApiQuery, ApiResponse, ApiTags } from '@nestjs/swagger';
import { IsString, Matches, MaxLength } from 'class-validator';
import { DataSource } from 'typeorm';
import { Conflict, InvalidCommand, NotFound } from '@pangolin/domain';
import { failureText } from '@pangolin/event-store';
import { dismissParkedEvent, findParkedEvent, listParkedEvents, mapPage, ParkedEventRow, recordReplayFailure, writeLockOf, type PageRequest, type ParkedStatus } from '@pangolin/read-models';
import { CurrentUser, EventPipeline, Principal, READ_DB, RECORDS_DB, Roles } from '@pangolin/runtime';
import { enumParameter, Paging } from '../http/paging';
import { MultilineText } from '../http/text';

const POSITION = /^[1-9][0-9]{0,18}$/;

export class DismissParkedEventDto {
  @ApiProperty({ description: 'Why the event can be left unapplied (kept with the record)', minLength: 1, maxLength: 1000 })
  @IsString()
  @Matches(/\S/, { message: 'note must not be blank' })
  @MaxLength(1000)
  @MultilineText()
  note: string;
}

/** A parked event as answered: positions as decimal strings (64-bit). */
function view(row: ParkedEventRow) {
  return { ...row, position: row.position.toString() };
}

function positionParameter(value: string): bigint {
  if (!POSITION.test(value)) throw new InvalidCommand('position', 'must be a positive whole number in decimal, without leading zeros');
  return BigInt(value);
}

/**
 * Dead letters, for administrators: the events a projection or process manager could not apply
 * after its retries and parked to keep the platform flowing. After a fix, an event is replayed
 * (applied to its worker again; success removes the record), or dismissed with a note.
 */
@ApiTags('operations')
@ApiBearerAuth()
@Roles('admin')
@Controller('admin/parked-events')
export class ParkedEventsController {
  constructor(
    @Inject(READ_DB) private readonly views: DataSource,
    @Inject(RECORDS_DB) private readonly records: DataSource,
    private readonly pipeline: EventPipeline,
  ) {}

  @Get()
  @ApiOperation({ summary: 'Parked events, oldest position first (admin only)' })
  @ApiQuery({ name: 'status', required: false, enum: ['parked', 'dismissed'], description: 'default parked' })
  async list(@QueryParam('status') status: string | undefined, @Paging() page: PageRequest) {
    const parked = enumParameter<ParkedStatus>('status', status, ['parked', 'dismissed']) ?? 'parked';
    return mapPage(await listParkedEvents([this.views.manager, this.records.manager], parked, page), view);
  }

  @Post(':worker/:position/replay')
  @HttpCode(200)
  @ApiParam({ name: 'worker', description: 'The projection or process manager that parked the event (e.g. catalogue, premium-allocation)', schema: { type: 'string', maxLength: 100 } })
  @ApiParam({ name: 'position', description: "The event's global position, in decimal", schema: { type: 'string', pattern: POSITION.source } })
  @ApiOperation({ summary: 'Apply a parked event to its projection or process manager again (after a fix); success removes the record (admin only)' })
  @ApiResponse({ status: 409, description: 'The event still fails (the record now says why), or it was dismissed' })
  async replay(@Param('worker') worker: string, @Param('position') position: string) {
    const row = await this.parked(worker, positionParameter(position));
    if (row.dismissedAt) throw new Conflict(`event ${row.position} was dismissed for ${worker}; it is not replayed`, 'parked.dismissed');
    try {
      await this.pipeline.replayParked(worker, row.position);
    } catch (error) {
      const db = this.pipeline.deadLettersOf(worker);
      await writeLockOf(db).run(() => recordReplayFailure(db.manager, worker, row.position, error, new Date().toISOString()));
      throw new Conflict(`the replay failed again, the event stays parked: ${failureText(error)}`, 'parked.replay-failed');
    }
    return { worker, position: row.position.toString(), replayed: true };
  }

  @Post(':worker/:position/dismiss')
  @HttpCode(200)
  @ApiParam({ name: 'worker', description: 'The projection or process manager that parked the event (e.g. catalogue, premium-allocation)', schema: { type: 'string', maxLength: 100 } })
  @ApiParam({ name: 'position', description: "The event's global position, in decimal", schema: { type: 'string', pattern: POSITION.source } })
  @ApiOperation({ summary: 'Leave a parked event unapplied, with a note; the record is kept among the dismissed (admin only)' })
  @ApiResponse({ status: 409, description: 'Already dismissed' })
  async dismiss(@Param('worker') worker: string, @Param('position') position: string, @Body() body: DismissParkedEventDto, @CurrentUser() user: Principal) {
    const row = await this.parked(worker, positionParameter(position));
    if (row.dismissedAt) throw new Conflict(`event ${row.position} was already dismissed for ${worker}`, 'parked.already-dismissed');
    const db = this.pipeline.deadLettersOf(worker);
    await writeLockOf(db).run(() => dismissParkedEvent(db.manager, worker, row.position, { by: user.username, note: body.note, at: new Date().toISOString() }));
    return view((await findParkedEvent(db.manager, worker, row.position))!);
  }

  private async parked(worker: string, position: bigint): Promise<ParkedEventRow> {
    const row = this.pipeline.parkingWorkers.includes(worker) ? await findParkedEvent(this.pipeline.deadLettersOf(worker).manager, worker, position) : null;
    if (!row) throw new NotFound(`parked event ${position} of ${worker}`);
    return row;
  }
}
