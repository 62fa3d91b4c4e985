import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { formatCheckpoint, formatTrailMapLine, generateCosignerKey, parseCosignerVerifierKey, signNote, splitNote, verifyCosignatures } from '@pangolin/transparency';
import { formatAddCheckpointRequest, parseAddCheckpointRequest } from './add-checkpoint-request';
import { formatState, lockStateFile, readStateFile, StateFile, StateFileError, writeFileDurably } from './state-file';
import { MemoryLog } from './testing/memory-log';
import { Witness, type WitnessResponse } from './witness';

describe('Witness (c2sp.org/tlog-witness add-checkpoint)', () => {
  let folder: string;
  let statePath: string;
  let log: MemoryLog;
  const witnessKeys = generateCosignerKey('witness.test/w1');
  const evidence: string[] = [];

  const openWitness = (path = statePath) =>
    new Witness({
      logs: [{ verifierKey: log.keys.verifierKey }],
      signerKey: witnessKeys.signerKey,
      stateFile: new StateFile(path),
      state: readStateFile(path),
      now: () => 1_700_000_000n,
      onEvidence: (_, reason) => evidence.push(reason),
    });

  async function submit(witness: Witness, source: MemoryLog, oldSize: bigint, options: { proof?: Uint8Array[]; checkpoint?: string } = {}): Promise<WitnessResponse> {
    const checkpoint = options.checkpoint ?? (await source.checkpoint());
    const size = source.size;
    const proof = options.proof ?? (oldSize === 0n || oldSize === size ? [] : await source.proof(oldSize));
    return witness.addCheckpoint(Buffer.from(formatAddCheckpointRequest({ oldSize, proof, checkpoint })));
  }

  function expectCosigned(response: WitnessResponse, checkpoint: string): void {
    expect(response).toMatchObject({ status: 200 });
    expect(response.body).toMatch(/^\u2014 witness\.test\/w1 [A-Za-z0-9+/]+=*\n$/);
    const { cosignedBy, invalid } = verifyCosignatures(checkpoint + response.body, [parseCosignerVerifierKey(witnessKeys.verifierKey)]);
    expect(invalid).toEqual([]);
    expect(cosignedBy).toEqual([expect.objectContaining({ name: 'witness.test/w1', timestamp: 1_700_000_000n })]);
  }

  beforeEach(async () => {
    folder = mkdtempSync(join(tmpdir(), 'witness-unit-'));
    statePath = join(folder, 'state.json');
    log = await new MemoryLog().append(5);
    evidence.length = 0;
  });

  afterEach(() => rmSync(folder, { recursive: true, force: true }));

  it('cosigns a first checkpoint from old size 0, then every checkpoint that extends it', async () => {
    const witness = openWitness();
    const first = await log.checkpoint();
    expectCosigned(await submit(witness, log, 0n), first);
    expect(witness.latest(log.origin)?.size).toBe(5n);

    await log.append(7);
    const second = await log.checkpoint();
    expectCosigned(await submit(witness, log, 5n), second);
    // The same checkpoint again (old size = its size, empty proof): cosigned again.
    expectCosigned(await submit(witness, log, 12n), second);
    expect(readStateFile(statePath).get(log.origin)).toMatchObject({ size: 12n, checkpoint: second });
  });

  it('cosigns a checkpoint carrying an extension line (the trail map\'s), the cosignature covering the line', async () => {
    const witness = openWitness();
    const line = formatTrailMapLine({ root: new Uint8Array(32).fill(9), size: 3n });
    const withLine = signNote(formatCheckpoint({ origin: log.origin, size: log.size, rootHash: await log.root(), extensionLines: [line] }), log.keys.signerKey);
    expectCosigned(await submit(witness, log, 0n, { checkpoint: withLine }), withLine);
    // The cosignature does not verify for the same tree without the line (or with another one).
    const response = await submit(witness, log, 5n, { checkpoint: withLine });
    const { cosignedBy } = verifyCosignatures((await log.checkpoint()) + response.body, [parseCosignerVerifierKey(witnessKeys.verifierKey)]);
    expect(cosignedBy).toEqual([]);
  });

  it('answers 409 with its size (text/x.tlog.size) when the old size is not the one it cosigned last', async () => {
    const witness = openWitness();
    await submit(witness, log, 0n);
    await log.append(3);
    expect(await submit(witness, log, 0n)).toEqual({ status: 409, contentType: 'text/x.tlog.size', body: '5\n' });
    expect(await submit(witness, log, 6n)).toEqual({ status: 409, contentType: 'text/x.tlog.size', body: '5\n' });
    expectCosigned(await submit(witness, log, 5n), await log.checkpoint());
  });

  it('never goes back to a smaller tree: 409 from a stale old size, 400 when the old size exceeds the checkpoint', async () => {
    const witness = openWitness();
    await log.append(5);
    await submit(witness, log, 0n);
    const smaller = await log.checkpoint(4n);
    const fromFour = await witness.addCheckpoint(formatAddCheckpointRequest({ oldSize: 4n, proof: [], checkpoint: smaller }));
    expect(fromFour).toMatchObject({ status: 409, body: '10\n' });
    const fromTen = await witness.addCheckpoint(formatAddCheckpointRequest({ oldSize: 10n, proof: [], checkpoint: smaller }));
    expect(fromTen.status).toBe(400);
    expect(witness.latest(log.origin)?.size).toBe(10n);
  });

  it('refuses a split view: the same size with another root (409), a fork that grows (422)', async () => {
    const witness = openWitness();
    await submit(witness, log, 0n);
    const fork = await (await log.fork(3n)).append(2);
    expect(fork.size).toBe(log.size);
    const sameSize = await submit(witness, fork, 5n);
    expect(sameSize.status).toBe(409);
    expect(sameSize.body).toContain('a split view');

    await fork.append(4);
    // The fork can only prove consistency with its own size-5 tree, not with the root the witness holds.
    const grown = await submit(witness, fork, 5n);
    expect(grown.status).toBe(422);
    expect(grown.body).toContain('does not verify');
    expect(evidence).toHaveLength(2);
    expect(witness.latest(log.origin)?.rootHash).toEqual(await log.root(5n));
  });

  it('refuses a rewritten history re-signed with the same key (422), whatever proof comes with it', async () => {
    const witness = openWitness();
    await submit(witness, log, 0n);
    await log.append(6);
    const rewritten = await log.rewritten(2);
    expect((await submit(witness, rewritten, 5n)).status).toBe(422);
    // The honest log's proof does not fit the rewritten root either.
    expect((await submit(witness, rewritten, 5n, { proof: await log.proof(5n) })).status).toBe(422);
    // Dropping the proof is no way round.
    expect((await submit(witness, rewritten, 5n, { proof: [] })).status).toBe(422);
    expectCosigned(await submit(witness, log, 5n), await log.checkpoint());
  });

  it('answers 422 for a proof with one bit flipped, and for a proof from size 0', async () => {
    const witness = openWitness();
    await submit(witness, log, 0n);
    await log.append(4);
    const proof = await log.proof(5n);
    proof[0] = Buffer.from(proof[0]);
    proof[0][7] ^= 0x10;
    expect((await submit(witness, log, 5n, { proof })).status).toBe(422);

    const fresh = openWitness(join(folder, 'other.json'));
    expect((await submit(fresh, log, 0n, { proof: await log.proof(5n) })).status).toBe(422);
  });

  it('answers 404 for an unknown log and 403 for a checkpoint its key did not sign', async () => {
    const witness = openWitness();
    const stranger = await new MemoryLog('stranger.test/log').append(2);
    expect((await submit(witness, stranger, 0n)).status).toBe(404);

    const impostor = await log.checkpoint(log.size, new MemoryLog().keys.signerKey);
    const forged = await submit(witness, log, 0n, { checkpoint: impostor });
    expect(forged.status).toBe(403);
    expect(witness.latest(log.origin)).toBeUndefined();
  });

  it.each([
    ['no old line', (request: string) => request.replace(/^old 0\n/, '')],
    ['a leading zero', (request: string) => request.replace(/^old 0/, 'old 00')],
    ['a proof line that is not a hash', (request: string) => request.replace(/^old 0\n/, 'old 0\nAAAA\n')],
    ['no blank line', (request: string) => request.replace(/^old 0\n\n/, 'old 0\n')],
    ['a checkpoint that is not a note', () => 'old 0\n\nnot a checkpoint\n'],
  ])('answers 400 for a malformed request: %s', async (_, mangle) => {
    const witness = openWitness();
    const request = formatAddCheckpointRequest({ oldSize: 0n, proof: [], checkpoint: await log.checkpoint() });
    expect((await witness.addCheckpoint(mangle(request))).status).toBe(400);
  });

  it('formats and parses the request body of the spec', async () => {
    const checkpoint = await log.checkpoint();
    const proof = await (await new MemoryLog().append(9)).proof(3n);
    const text = formatAddCheckpointRequest({ oldSize: 3n, proof, checkpoint });
    expect(text.split('\n')[0]).toBe('old 3');
    expect(text).toContain(`\n\n${checkpoint}`);
    expect(parseAddCheckpointRequest(text)).toEqual({ oldSize: 3n, proof: proof.map((hash) => new Uint8Array(hash)), checkpoint });
  });

  it('serializes concurrent requests of a log: of two racing extensions from one old size, one wins and one gets 409', async () => {
    const witness = openWitness();
    await submit(witness, log, 0n);
    const longer = await (await log.fork()).append(8);
    await log.append(2);
    const [a, b] = await Promise.all([submit(witness, log, 5n), submit(witness, longer, 5n)]);
    expect([a.status, b.status].sort()).toEqual([200, 409]);
    const winner = a.status === 200 ? log : longer;
    expect(readStateFile(statePath).get(log.origin)?.size).toBe(winner.size);
  });

  it('keeps its state across a restart: a new witness on the same file refuses what the old one would', async () => {
    await submit(openWitness(), log, 0n);
    const restarted = openWitness();
    expect(restarted.latest(log.origin)?.size).toBe(5n);
    const fork = await (await log.fork(2n)).append(3);
    expect((await submit(restarted, fork, 5n)).status).toBe(409);
    expect((await submit(restarted, fork, 0n)).status).toBe(409);
  });

  it('answers 500 and cosigns nothing when the state cannot be saved, and keeps its previous state', async () => {
    const witness = new Witness({
      logs: [{ verifierKey: log.keys.verifierKey }],
      signerKey: witnessKeys.signerKey,
      stateFile: new StateFile(join(folder, 'missing-folder', 'state.json')),
      state: new Map(),
    });
    const response = await submit(witness, log, 0n);
    expect(response.status).toBe(500);
    expect(response.body).not.toContain('\u2014');
    expect(witness.latest(log.origin)).toBeUndefined();
  });
});

describe('the state file', () => {
  let folder: string;
  beforeEach(() => (folder = mkdtempSync(join(tmpdir(), 'witness-state-'))));
  afterEach(() => rmSync(folder, { recursive: true, force: true }));

  it('is replaced whole through a temporary file that does not stay behind', async () => {
    const path = join(folder, 'state.json');
    const state = new Map([['a.test/log', { size: 3n, rootHash: new Uint8Array(32).fill(7), checkpoint: 'a.test/log\n3\nx\n\n— a y\n' }]]);
    await writeFileDurably(path, formatState(state));
    await writeFileDurably(path, formatState(state));
    expect(readdirSync(folder)).toEqual(['state.json']);
    expect(readStateFile(path)).toEqual(state);
  });

  it('writes snapshots in order, each holding every update made before its turn', async () => {
    const path = join(folder, 'state.json');
    const file = new StateFile(path);
    const state = new Map<string, { size: bigint; rootHash: Uint8Array; checkpoint: string }>();
    const saves = ['a', 'b', 'c'].map((origin, i) => {
      state.set(origin, { size: BigInt(i), rootHash: new Uint8Array(32), checkpoint: origin });
      return file.save(() => formatState(state));
    });
    await Promise.all(saves);
    expect([...readStateFile(path).keys()]).toEqual(['a', 'b', 'c']);
  });

  it('reads a missing file as empty, and refuses a damaged one instead of starting afresh', () => {
    expect(readStateFile(join(folder, 'none.json')).size).toBe(0);
    const damaged = join(folder, 'damaged.json');
    writeFileSync(damaged, '{"format": "pangolin-witness-state/1", "logs": {"a": {"size": "1"');
    expect(() => readStateFile(damaged)).toThrow(StateFileError);
  });

  it('is locked by one witness process at a time; a stale lock is taken over', () => {
    const path = join(folder, 'state.json');
    const unlock = lockStateFile(path);
    expect(() => lockStateFile(path)).toThrow(/in use by process/);
    unlock();
    writeFileSync(`${path}.lock`, '999999999\n');
    const again = lockStateFile(path);
    expect(readFileSync(`${path}.lock`, 'utf8')).toBe(`${process.pid}\n`);
    again();
  });
});

// Keeps the import of splitNote honest for readers: a response appended to the note is a valid note.
test('a 200 body appended to the checkpoint is a note with one more signature line', async () => {
  const log = await new MemoryLog().append(1);
  const folder = mkdtempSync(join(tmpdir(), 'witness-append-'));
  try {
    const keys = generateCosignerKey('w.test');
    const witness = new Witness({ logs: [{ verifierKey: log.keys.verifierKey }], signerKey: keys.signerKey, stateFile: new StateFile(join(folder, 's.json')), state: new Map() });
    const checkpoint = await log.checkpoint();
    const response = await witness.addCheckpoint(formatAddCheckpointRequest({ oldSize: 0n, proof: [], checkpoint }));
    expect(splitNote(checkpoint + response.body).signatures.map((signature) => signature.name)).toEqual([log.origin, 'w.test']);
  } finally {
    rmSync(folder, { recursive: true, force: true });
  }
});
