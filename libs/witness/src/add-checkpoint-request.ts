/**
 * The body of a C2SP tlog-witness add-checkpoint request (c2sp.org/tlog-witness):
 *
 *   old <size>\n
 *   <base64 consistency proof hash>\n   (0 to 63 lines)
 *   \n
 *   <signed checkpoint note>
 */
import { decodeStandardBase64, encodeStandardBase64, HASH_SIZE } from '@pangolin/transparency';

export interface AddCheckpointRequest {
  readonly oldSize: bigint;
  readonly proof: readonly Uint8Array[];
  /** The signed checkpoint note, signature lines included. */
  readonly checkpoint: string;
}

/** The request body could not be read; the witness answers 400 Bad Request. */
export class MalformedRequestError extends Error {}

const MAX_PROOF_LINES = 63;
const MAX_UINT64 = 2n ** 64n - 1n;
const OLD_SIZE_LINE = /^old (0|[1-9][0-9]*)$/;

export function formatAddCheckpointRequest(request: AddCheckpointRequest): string {
  return `old ${request.oldSize.toString(10)}\n${request.proof.map((hash) => `${encodeStandardBase64(hash)}\n`).join('')}\n${request.checkpoint}`;
}

export function parseAddCheckpointRequest(body: Uint8Array | string): AddCheckpointRequest {
  let text: string;
  try {
    text = typeof body === 'string' ? body : new TextDecoder('utf-8', { fatal: true, ignoreBOM: true }).decode(body);
  } catch {
    throw new MalformedRequestError('the body is not valid UTF-8');
  }
  // The header ends at the first blank line; the checkpoint note has its own blank line further on.
  const end = text.indexOf('\n\n');
  if (end < 0) throw new MalformedRequestError('no blank line after the old size and proof lines');
  const [oldLine, ...proofLines] = text.slice(0, end).split('\n');
  const old = OLD_SIZE_LINE.exec(oldLine);
  if (!old) throw new MalformedRequestError(`the first line must be "old <size>" in decimal without leading zeros, got ${JSON.stringify(oldLine.slice(0, 40))}`);
  const oldSize = BigInt(old[1]);
  if (oldSize > MAX_UINT64) throw new MalformedRequestError('the old size exceeds 2^64-1');
  if (proofLines.length > MAX_PROOF_LINES) throw new MalformedRequestError(`more than ${MAX_PROOF_LINES} consistency proof lines`);
  const proof = proofLines.map((line, i) => {
    const hash = decodeStandardBase64(line);
    if (hash === undefined || hash.length !== HASH_SIZE) throw new MalformedRequestError(`consistency proof line ${i + 1} is not standard base64 of ${HASH_SIZE} bytes`);
    return hash;
  });
  return { oldSize, proof, checkpoint: text.slice(end + 2) };
}
