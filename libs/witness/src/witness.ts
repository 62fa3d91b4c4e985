/**
 * A C2SP tlog-witness (c2sp.org/tlog-witness) that cosigns with C2SP tlog-cosignature Ed25519
 * cosignatures. For each log it knows (origin and log verifier key) it remembers the latest
 * checkpoint it cosigned, and cosigns a new one only if the log proves it extends that one, so it
 * never cosigns two views of one log: not a rewritten history (the proof fails: 422), not a
 * second root for the same size (409), not a smaller tree (409, or 400 if the request says so).
 *
 * The check of the old size and the save of the new state run under one lock per log, and the
 * state is on disk before the cosignature leaves (see state-file.ts).
 */
import {
  CheckpointError,
  cosignCheckpoint,
  cosignerVerifierKeyFor,
  openNote,
  parseCheckpoint,
  parseCosignerKey,
  parseVerifierKey,
  SignedNoteError,
  splitNote,
  verifyConsistency,
  type CosignerKey,
  type NoteVerifierKey,
  type ParsedCheckpoint,
} from '@pangolin/transparency';
import { MalformedRequestError, parseAddCheckpointRequest, type AddCheckpointRequest } from './add-checkpoint-request';
import { formatState, StateFile, type LogState } from './state-file';

export interface WitnessedLog {
  /** The checkpoint origin line (by default the verifier key's name). */
  readonly origin: string;
  readonly verifierKey: NoteVerifierKey;
}

export interface WitnessResponse {
  readonly status: 200 | 400 | 403 | 404 | 409 | 422 | 500;
  readonly contentType: string;
  readonly body: string;
}

export interface WitnessOptions {
  /** Logs to witness: `{ origin?, verifierKey }` with the log's note verifier key string. */
  readonly logs: ReadonlyArray<{ readonly origin?: string; readonly verifierKey: string }>;
  /** The witness's own signer key (PRIVATE+KEY+<name>+<id>+<base64(0x04 || seed)>). */
  readonly signerKey: string;
  readonly stateFile: StateFile;
  /** The state read from the state file at start. */
  readonly state: Map<string, LogState>;
  /** Seconds since the epoch, for the cosignature's time line. */
  readonly now?: () => bigint;
  /** Where refusals of a validly signed checkpoint go: they may be evidence of a misbehaving log. */
  readonly onEvidence?: (origin: string, reason: string, request: AddCheckpointRequest) => void;
}

/** Known-origin outcomes that callers (and tests) tell apart. */
export const TLOG_SIZE_CONTENT_TYPE = 'text/x.tlog.size';
const TEXT = 'text/plain; charset=utf-8';

export class Witness {
  readonly name: string;
  readonly verifierKey: string;
  private readonly signer: CosignerKey;
  private readonly logs: Map<string, WitnessedLog>;
  private readonly locks = new Map<string, Promise<unknown>>();
  private readonly now: () => bigint;

  constructor(private readonly options: WitnessOptions) {
    this.signer = parseCosignerKey(options.signerKey);
    this.name = this.signer.name;
    this.verifierKey = cosignerVerifierKeyFor(this.signer);
    this.logs = new Map();
    for (const log of options.logs) {
      const verifierKey = parseVerifierKey(log.verifierKey);
      const origin = log.origin ?? verifierKey.name;
      if (this.logs.has(origin)) throw new Error(`the log ${origin} is configured twice`);
      this.logs.set(origin, { origin, verifierKey });
    }
    this.now = options.now ?? (() => BigInt(Math.floor(Date.now() / 1000)));
  }

  get origins(): string[] {
    return [...this.logs.keys()];
  }

  /** The latest checkpoint cosigned for `origin`, if any. */
  latest(origin: string): LogState | undefined {
    return this.options.state.get(origin);
  }

  /** Answers one add-checkpoint request body. Never throws for a bad request. */
  async addCheckpoint(body: Uint8Array | string): Promise<WitnessResponse> {
    let request: AddCheckpointRequest;
    let checkpoint: ParsedCheckpoint;
    try {
      request = parseAddCheckpointRequest(body);
      checkpoint = parseCheckpoint(splitNote(request.checkpoint).text);
    } catch (error) {
      if (error instanceof MalformedRequestError || error instanceof SignedNoteError || error instanceof CheckpointError) return text(400, error.message);
      throw error;
    }
    const log = this.logs.get(checkpoint.origin);
    if (log === undefined) return text(404, `this witness does not witness the log ${JSON.stringify(checkpoint.origin)}`);
    try {
      openNote(request.checkpoint, [log.verifierKey]);
    } catch (error) {
      if (error instanceof SignedNoteError) return text(403, `the checkpoint is not signed by the key of ${log.origin}: ${error.message}`);
      throw error;
    }
    if (request.oldSize > checkpoint.size) return text(400, `the old size ${request.oldSize} is larger than the checkpoint's size ${checkpoint.size}`);
    return this.serialized(log.origin, () => this.cosignIfConsistent(log, request, checkpoint));
  }

  private async cosignIfConsistent(log: WitnessedLog, request: AddCheckpointRequest, checkpoint: ParsedCheckpoint): Promise<WitnessResponse> {
    const latest = this.options.state.get(log.origin);
    const latestSize = latest?.size ?? 0n;
    if (request.oldSize !== latestSize) {
      return { status: 409, contentType: TLOG_SIZE_CONTENT_TYPE, body: `${latestSize}\n` };
    }
    const refuse = (status: 409 | 422, reason: string) => {
      this.options.onEvidence?.(log.origin, reason, request);
      return text(status, reason);
    };
    if (latest !== undefined && checkpoint.size === latest.size) {
      if (request.proof.length > 0) return refuse(422, 'the consistency proof must be empty when the sizes are equal');
      if (!Buffer.from(checkpoint.rootHash).equals(latest.rootHash)) {
        return refuse(409, `the checkpoint has size ${checkpoint.size} like the one cosigned before, but another root hash: a split view`);
      }
    } else if (latest === undefined || latest.size === 0n) {
      if (request.proof.length > 0) return refuse(422, 'the consistency proof must be empty when the old size is 0');
    } else {
      const consistent = verifyConsistency(latest.size, checkpoint.size, request.proof, latest.rootHash, checkpoint.rootHash);
      if (!consistent.ok) {
        return refuse(422, `the consistency proof from size ${latest.size} to ${checkpoint.size} does not verify: ${consistent.reason}`);
      }
    }

    const state = this.options.state;
    const next: LogState = { size: checkpoint.size, rootHash: checkpoint.rootHash, checkpoint: request.checkpoint };
    state.set(log.origin, next);
    try {
      await this.options.stateFile.save(() => formatState(state));
    } catch (error) {
      // Nothing was cosigned from this state; go back to the one on disk.
      if (state.get(log.origin) === next) {
        if (latest) state.set(log.origin, latest);
        else state.delete(log.origin);
      }
      return text(500, `the witness could not save its state: ${(error as Error).message}`);
    }
    const { text: checkpointText } = splitNote(request.checkpoint);
    return text(200, cosignCheckpoint(checkpointText, this.signer, this.now()), TEXT);
  }

  /** Runs `task` after every earlier task of the same log. */
  private serialized<T>(origin: string, task: () => Promise<T>): Promise<T> {
    const run = (this.locks.get(origin) ?? Promise.resolve()).then(task);
    const settled = run.catch(() => undefined);
    this.locks.set(origin, settled);
    void settled.then(() => {
      if (this.locks.get(origin) === settled) this.locks.delete(origin);
    });
    return run;
  }
}

function text(status: WitnessResponse['status'], message: string, contentType = TEXT): WitnessResponse {
  return { status, contentType, body: message.endsWith('\n') ? message : `${message}\n` };
}
