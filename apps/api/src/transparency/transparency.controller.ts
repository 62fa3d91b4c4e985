import { Controller, Get, Header, HttpCode, Inject, NotFoundException, Param, Post, Query as QueryParam, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiParam, ApiQuery, ApiTags } from '@nestjs/swagger';
import { DataSource } from 'typeorm';
import { InvalidCommand } from '@pangolin/domain';
import { checkpointAt, cosignedNote, latestCheckpoint, listCheckpoints } from '@pangolin/records';
import {
  consistencyProofBetween,
  decodeCursor,
  findDonorGift,
  inclusionProofFor,
  leafIndicesOf,
  listOrder,
  mapPage,
  merkleLogSize,
  pageOf,
  storedLeafHashAt,
  type PageRequest,
} from '@pangolin/read-models';
import { CheckpointPublisher, CurrentUser, PANGOLIN_CONFIG, PangolinConfig, Principal, Public, READ_DB, RECORDS_DB, Roles } from '@pangolin/runtime';
import { Paging } from '../http/paging';
import { ParseUuidParam } from '../http/validation';
import { GiftReceipts } from './gift-receipts.service';

const DECIMAL = /^(0|[1-9][0-9]{0,99})$/;
/** The stores keep sizes and indices as signed 64-bit integers; no log comes near this size. */
const LARGEST_STORED_SIZE = 2n ** 63n - 1n;
const EVENT_ID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
/** Sizes and indices are decimal strings (they may pass 2^53). */
const TREE_SIZE_SCHEMA = { type: 'string', pattern: DECIMAL.source, maxLength: 100 } as const;
/** Checkpoints in increasing size (the size is unique). */
const CHECKPOINTS = listOrder('checkpoints', [['checkpoint.size', 'position']]);
const base64 = (bytes: Uint8Array) => Buffer.from(bytes).toString('base64');

function treeSizeParameter(field: string, value: string | undefined): bigint | undefined {
  if (value === undefined) return undefined;
  if (!DECIMAL.test(value)) throw new InvalidCommand(field, 'must be a whole number in decimal, without leading zeros');
  // A size beyond any log finds nothing (404, or an empty list) instead of overflowing the database's integers.
  const size = BigInt(value);
  return size > LARGEST_STORED_SIZE ? LARGEST_STORED_SIZE : size;
}

/**
 * The transparency log, open to everyone without login: its signed checkpoints (C2SP
 * tlog-checkpoint notes), the public key that verifies them, and proofs that an event is in the log
 * and that the log only ever grew. Sizes and indices are decimal strings, hashes standard base64.
 */
@ApiTags('transparency')
@Controller()
export class TransparencyController {
  constructor(
    @Inject(READ_DB) private readonly db: DataSource,
    @Inject(RECORDS_DB) private readonly records: DataSource,
    @Inject(PANGOLIN_CONFIG) private readonly config: PangolinConfig,
    private readonly publisher: CheckpointPublisher,
    private readonly receipts: GiftReceipts,
  ) {}

  @Public()
  @Get('transparency/verifier-key')
  @Header('content-type', 'text/plain; charset=utf-8')
  @ApiOperation({ summary: 'The public key (C2SP note verifier key) that checks every checkpoint and receipt' })
  verifierKey() {
    return `${this.config.transparency.verifierKey}\n`;
  }

  @Public()
  @Get('transparency/checkpoint')
  @Header('content-type', 'text/plain; charset=utf-8')
  @ApiOperation({ summary: 'The latest signed checkpoint (a C2SP signed note holding a tlog-checkpoint), with the witnesses\' cosignatures gathered so far appended' })
  async latest() {
    const checkpoint = await latestCheckpoint(this.records.manager);
    if (!checkpoint) throw new NotFoundException('no checkpoint has been signed yet');
    return cosignedNote(this.records.manager, checkpoint);
  }

  @Public()
  @Get('transparency/checkpoints')
  @ApiOperation({ summary: 'Signed checkpoints in increasing size (size, root hash, when signed)' })
  @ApiQuery({ name: 'after', required: false, schema: TREE_SIZE_SCHEMA, description: 'Only checkpoints larger than this size' })
  async list(@QueryParam('after') after: string | undefined, @Paging() page: PageRequest) {
    // The cursor holds the last size shown; `after` only sets where the first page starts.
    const from = page.cursor === undefined ? (treeSizeParameter('after', after) ?? -1n) : BigInt(decodeCursor(CHECKPOINTS, page.cursor)[0]);
    const rows = await listCheckpoints(this.records.manager, from, page.limit + 1);
    const checkpoints = pageOf(rows, CHECKPOINTS, page.limit, (row) => [row.size.toString()]);
    return mapPage(checkpoints, (row) => ({ size: row.size.toString(), rootHash: base64(Buffer.from(row.rootHash, 'hex')), signedAt: row.signedAt, url: `/transparency/checkpoints/${row.size}` }));
  }

  @Public()
  @Get('transparency/checkpoints/:size')
  @Header('content-type', 'text/plain; charset=utf-8')
  @ApiOperation({ summary: 'The checkpoint signed at this tree size, with the witnesses\' cosignatures appended' })
  @ApiParam({ name: 'size', schema: TREE_SIZE_SCHEMA })
  async bySize(@Param('size') size: string) {
    const checkpoint = await checkpointAt(this.records.manager, treeSizeParameter('size', size) as bigint);
    if (!checkpoint) throw new NotFoundException(`no checkpoint was signed at size ${size}`);
    return cosignedNote(this.records.manager, checkpoint);
  }

  @Post('transparency/checkpoints')
  @HttpCode(201)
  @Roles('admin', 'auditor')
  @ApiBearerAuth()
  @ApiOperation({ summary: 'Sign a checkpoint of the log as it is now (auditors, admins)' })
  async signNow() {
    const checkpoint = await this.publisher.publish();
    if (!checkpoint) throw new NotFoundException('the log is empty: there is nothing to sign');
    return { size: checkpoint.size.toString(), rootHash: base64(Buffer.from(checkpoint.rootHash, 'hex')), signedAt: checkpoint.signedAt, note: checkpoint.note };
  }

  @Public()
  @Get('transparency/events/:eventId/inclusion-proof')
  @ApiOperation({ summary: 'Proof that an event is a leaf of the log, against a signed checkpoint (default: the latest)' })
  @ApiParam({ name: 'eventId', format: 'uuid' })
  @ApiQuery({ name: 'treeSize', required: false, schema: TREE_SIZE_SCHEMA, description: 'Size of a signed checkpoint' })
  async inclusion(@Param('eventId') eventId: string, @QueryParam('treeSize') treeSize?: string) {
    if (!EVENT_ID.test(eventId)) throw new InvalidCommand('eventId', 'must be a UUID');
    const manager = this.db.manager;
    const leafIndex = (await leafIndicesOf(manager, [eventId])).get(eventId);
    if (leafIndex === undefined) throw new NotFoundException(`event ${eventId} is not in the log`);
    const size = treeSizeParameter('treeSize', treeSize);
    const checkpoint = size === undefined ? await this.publisher.checkpointHolding(leafIndex) : await checkpointAt(this.records.manager, size);
    if (size !== undefined && !checkpoint) throw new NotFoundException(`no checkpoint was signed at size ${treeSize}`);
    if (!checkpoint || checkpoint.size <= leafIndex) {
      throw new NotFoundException(`event ${eventId} is leaf ${leafIndex}, which the checkpoint of size ${checkpoint?.size ?? 0} does not hold: ask for a later checkpoint`);
    }
    return {
      eventId,
      leafIndex: leafIndex.toString(),
      treeSize: checkpoint.size.toString(),
      leafHash: base64((await storedLeafHashAt(manager, leafIndex)) as Uint8Array),
      inclusionProof: (await inclusionProofFor(manager, leafIndex, checkpoint.size)).map(base64),
      checkpoint: checkpoint.note,
    };
  }

  @Public()
  @Get('transparency/leaves')
  @ApiOperation({ summary: 'The leaves at the given indexes with their inclusion proofs against the latest signed checkpoint: the proofs file of `pangolin-verify promise --proofs` (indexes the checkpoint does not hold are left out)' })
  @ApiQuery({ name: 'indexes', schema: { type: 'string', pattern: '^[0-9]{1,20}(,[0-9]{1,20}){0,99}$', maxLength: 2099 }, description: 'Leaf indexes in decimal, comma-separated (at most 100), e.g. the `leaf` lines of a promise' })
  async leaves(@QueryParam('indexes') indexes?: string) {
    if (indexes === undefined || indexes === '') throw new InvalidCommand('indexes', 'is required');
    const parts = indexes.split(',');
    if (parts.length > 100) throw new InvalidCommand('indexes', 'must list at most 100 indexes');
    const wanted = [...new Set(parts.map((part) => treeSizeParameter('indexes', part) as bigint))].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
    const manager = this.db.manager;
    const checkpoint = await latestCheckpoint(this.records.manager);
    if (!checkpoint) throw new NotFoundException('no checkpoint has been signed yet');
    const leaves = [];
    for (const leafIndex of wanted.filter((index) => index < checkpoint.size)) {
      leaves.push({ leafIndex: leafIndex.toString(), leafHash: base64((await storedLeafHashAt(manager, leafIndex)) as Uint8Array), inclusionProof: (await inclusionProofFor(manager, leafIndex, checkpoint.size)).map(base64) });
    }
    return { checkpoint: checkpoint.note, leaves };
  }

  @Public()
  @Get('transparency/consistency-proof')
  @ApiOperation({ summary: 'Proof that the log at size `to` extends the log at size `from` (nothing rewritten, only appended)' })
  @ApiQuery({ name: 'from', schema: TREE_SIZE_SCHEMA, description: 'A size of the log, at least 1' })
  @ApiQuery({ name: 'to', schema: TREE_SIZE_SCHEMA, description: 'A size of the log, at least `from`, at most the log\'s size' })
  async consistency(@QueryParam('from') from?: string, @QueryParam('to') to?: string) {
    if (from === undefined) throw new InvalidCommand('from', 'is required');
    if (to === undefined) throw new InvalidCommand('to', 'is required');
    const size1 = treeSizeParameter('from', from) as bigint;
    const size2 = treeSizeParameter('to', to) as bigint;
    if (size1 < 1n) throw new InvalidCommand('from', 'must be at least 1');
    if (size1 > size2) throw new InvalidCommand('from', 'must not be larger than to');
    const size = await merkleLogSize(this.db.manager);
    if (size2 > size) throw new InvalidCommand('to', `must not be larger than the log, which has ${size} leaves`);
    return { size1: size1.toString(), size2: size2.toString(), proof: (await consistencyProofBetween(this.db.manager, size1, size2)).map(base64) };
  }

  @Get('gifts/:giftId/receipt')
  @ApiBearerAuth()
  @ApiOperation({ summary: "A gift's receipt: its trace's events with inclusion proofs against a signed checkpoint (its donor, auditors, admins). Check it offline with `npx pangolin-verify`" })
  async receipt(@CurrentUser() user: Principal, @Param('giftId', ParseUuidParam) giftId: string, @Res({ passthrough: true }) reply: { header(name: string, value: string): unknown }) {
    const gift = await findDonorGift(this.db.manager, giftId);
    const visible = gift && (user.role === 'auditor' || user.role === 'admin' || gift.donorId === user.userId);
    if (!visible) throw new NotFoundException(`gift ${giftId} not found`);
    const receipt = await this.receipts.receiptFor(giftId);
    reply.header('content-type', 'application/json; charset=utf-8');
    reply.header('content-disposition', `attachment; filename="pangolin-receipt-${giftId}.json"`);
    return receipt;
  }
}
