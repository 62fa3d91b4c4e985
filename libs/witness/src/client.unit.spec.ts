import { mkdtempSync, rmSync } from 'node:fs';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { generateCosignerKey, parseCosignerVerifierKey, verifyCosignatures } from '@pangolin/transparency';
import { parseWitnessEndpoints, requestCosignature, type WitnessEndpoint } from './client';
import { createWitnessServer } from './server';
import { StateFile } from './state-file';
import { MemoryLog } from './testing/memory-log';
import { Witness } from './witness';

describe('requestCosignature (the log side of add-checkpoint, over HTTP)', () => {
  let folder: string;
  let server: Server;
  let endpoint: WitnessEndpoint;
  let log: MemoryLog;
  const keys = generateCosignerKey('w.test');

  beforeEach(async () => {
    folder = mkdtempSync(join(tmpdir(), 'witness-client-'));
    log = await new MemoryLog().append(5);
    const witness = new Witness({ logs: [{ verifierKey: log.keys.verifierKey }], signerKey: keys.signerKey, stateFile: new StateFile(join(folder, 'state.json')), state: new Map() });
    server = createWitnessServer(witness, '/witness');
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    [endpoint] = parseWitnessEndpoints(`http://127.0.0.1:${(server.address() as AddressInfo).port}/witness/ ${keys.verifierKey}`);
  });

  afterEach(async () => {
    await new Promise((resolve) => server.close(resolve));
    rmSync(folder, { recursive: true, force: true });
  });

  const ask = async (knownSize: bigint, source = log) => requestCosignature(endpoint, await source.checkpoint(), knownSize, (from) => source.proof(from), 5_000);

  it('gets a cosignature that verifies with the witness key, then extends from the size it learned', async () => {
    const first = await ask(0n);
    if (!first.ok) throw new Error(first.reason);
    expect(first.witnessSize).toBe(5n);
    expect(verifyCosignatures((await log.checkpoint()) + first.cosignature, [parseCosignerVerifierKey(keys.verifierKey)]).cosignedBy).toHaveLength(1);
    await log.append(4);
    expect(await ask(5n)).toMatchObject({ ok: true, witnessSize: 9n });
  });

  it('learns the size the witness cosigned from its 409 and asks again with the proof from there', async () => {
    await ask(0n);
    await log.append(3);
    // The platform forgot (a new process with no cosignatures kept): it starts from 0.
    expect(await ask(0n)).toMatchObject({ ok: true, witnessSize: 8n });
  });

  it('reports a refusal, a witness ahead of the checkpoint, and an unreachable witness, without throwing', async () => {
    await ask(0n);
    const fork = await (await log.fork(2n)).append(6);
    expect(await ask(5n, fork)).toMatchObject({ ok: false, reason: expect.stringMatching(/^answered 422: the consistency proof from size 5 to 8 does not verify/) });
    const smaller = await log.fork(4n);
    expect(await ask(0n, smaller)).toEqual({ ok: false, reason: "has cosigned size 5, beyond this checkpoint's 4", witnessSize: 5n });
    await new Promise((resolve) => server.close(resolve));
    server.listen(0);
    expect(await ask(5n)).toMatchObject({ ok: false, reason: expect.stringMatching(/^unreachable: /) });
  });

  it('reads the TRANSPARENCY_WITNESSES setting: "<url> <key>" entries separated by commas', () => {
    const other = generateCosignerKey('w2.test');
    const parsed = parseWitnessEndpoints(` https://w1.example/ ${keys.verifierKey},\nhttps://w2.example/sub ${other.verifierKey} `);
    expect(parsed.map((witness) => [witness.url, witness.key.name])).toEqual([['https://w1.example', 'w.test'], ['https://w2.example/sub', 'w2.test']]);
    expect(() => parseWitnessEndpoints(keys.verifierKey)).toThrow(/"<url> <witness verifier key>"/);
    expect(parseWitnessEndpoints('')).toEqual([]);
  });
});
