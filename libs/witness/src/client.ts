/**
 * The log's side of c2sp.org/tlog-witness: submit a signed checkpoint to a witness with a
 * consistency proof from the size the witness last cosigned, learn that size from a 409 answer,
 * and keep only a cosignature that verifies with the witness's key.
 */
import { parseCheckpoint, parseCosignerVerifierKey, splitNote, verifyCosignatures, type CosignerVerifierKey } from '@pangolin/transparency';
import { formatAddCheckpointRequest } from './add-checkpoint-request';
import { TLOG_SIZE_CONTENT_TYPE } from './witness';

export interface WitnessEndpoint {
  /** The witness's submission prefix: add-checkpoint is POSTed to `<url>/add-checkpoint`. */
  readonly url: string;
  readonly key: CosignerVerifierKey;
}

export type CosignOutcome =
  | { readonly ok: true; readonly cosignature: string; readonly witnessSize: bigint }
  | { readonly ok: false; readonly reason: string; readonly witnessSize?: bigint };

/** Parses "<url> <witness verifier key>" entries separated by commas or newlines (the WITNESSES setting). */
export function parseWitnessEndpoints(setting: string): WitnessEndpoint[] {
  return setting
    .split(/[,\n]/)
    .map((entry) => entry.trim())
    .filter((entry) => entry !== '')
    .map((entry) => {
      const [url, key, ...extra] = entry.split(/\s+/);
      if (key === undefined || extra.length > 0 || !/^https?:\/\//.test(url)) {
        throw new Error(`a witness is "<url> <witness verifier key>", got ${JSON.stringify(entry)}`);
      }
      return { url: url.replace(/\/+$/, ''), key: parseCosignerVerifierKey(key) };
    });
}

/**
 * Asks one witness to cosign `checkpointNote`. `knownSize` is the size the witness is believed to
 * have cosigned last (0 if unknown); on a 409 the request is repeated once from the size the
 * witness reports. `proof(from)` gives the consistency proof from `from` to the checkpoint's size.
 */
export async function requestCosignature(
  witness: WitnessEndpoint,
  checkpointNote: string,
  knownSize: bigint,
  proof: (from: bigint) => Promise<readonly Uint8Array[]>,
  timeoutMs = 5000,
): Promise<CosignOutcome> {
  const { text } = splitNote(checkpointNote);
  const { size } = parseCheckpoint(text);
  let oldSize = knownSize > size ? 0n : knownSize;
  for (let attempt = 0; attempt < 2; attempt++) {
    const hashes = oldSize === 0n || oldSize === size ? [] : await proof(oldSize);
    let response: Response;
    try {
      response = await fetch(`${witness.url}/add-checkpoint`, {
        method: 'POST',
        body: formatAddCheckpointRequest({ oldSize, proof: hashes, checkpoint: checkpointNote }),
        headers: { 'content-type': 'text/plain; charset=utf-8' },
        signal: AbortSignal.timeout(timeoutMs),
      });
    } catch (error) {
      return { ok: false, reason: `unreachable: ${(error as Error).message}` };
    }
    const body = await response.text().catch(() => '');
    if (response.status === 200) {
      const cosigned = verifyCosignatures(`${checkpointNote}${body}`, [witness.key]);
      const line = body.split('\n').find((candidate) => candidate.startsWith(`\u2014 ${witness.key.name} `));
      if (cosigned.cosignedBy.length === 0 || line === undefined) return { ok: false, reason: 'answered 200 without a valid cosignature', witnessSize: size };
      return { ok: true, cosignature: `${line}\n`, witnessSize: size };
    }
    if (response.status === 409 && (response.headers.get('content-type') ?? '').startsWith(TLOG_SIZE_CONTENT_TYPE)) {
      const reported = /^(0|[1-9][0-9]*)\n$/.exec(body);
      if (!reported) return { ok: false, reason: `answered 409 with an unreadable size ${JSON.stringify(body.slice(0, 40))}` };
      const witnessSize = BigInt(reported[1]);
      if (witnessSize > size) return { ok: false, reason: `has cosigned size ${witnessSize}, beyond this checkpoint's ${size}`, witnessSize };
      oldSize = witnessSize;
      continue;
    }
    return { ok: false, reason: `answered ${response.status}: ${body.trim().slice(0, 300)}` };
  }
  return { ok: false, reason: 'kept answering 409' };
}
