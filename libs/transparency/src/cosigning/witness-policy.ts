/**
 * Which witnesses a verifier trusts and how many must have cosigned a checkpoint (the quorum),
 * read from a policy file in the syntax of Sigsum's policy files (sigsum-go doc/policy.md):
 *
 *   # comments run to the end of the line
 *   log <log verifier key> [<url>]
 *   witness <name> <witness verifier key, or raw Ed25519 public key in hex> [<url>]
 *   group <name> <k | any | all> <member name>...
 *   quorum <witness or group name | none>
 *
 * Names must be defined on a line before they are used; exactly one quorum line. Keys in hex are
 * Sigsum's spelling: the witness's cosignature key name is then the witness's name in the file.
 * Here keys may also be C2SP vkeys (`<name>+<id>+<base64(0x04 || key)>`), the form witnesses print.
 */
import { parseVerifierKey, SignedNoteError } from '../signed-note/signed-note';
import { cosignerVerifierKeyFromRaw, parseCosignerVerifierKey, type CosignerVerifierKey } from './cosignature';

export class WitnessPolicyError extends Error {
  constructor(detail: string) {
    super(`invalid witness policy: ${detail}`);
    this.name = 'WitnessPolicyError';
  }
}

/** A quorum rule: one witness's cosignature, or at least `k` of the member rules. */
export type Quorum =
  | { readonly kind: 'witness'; readonly name: string; readonly key: CosignerVerifierKey }
  | { readonly kind: 'group'; readonly name: string; readonly k: number; readonly members: readonly Quorum[] };

export interface WitnessPolicy {
  /** Log verifier keys the policy names (may be empty: the verifier's --key then names the log). */
  readonly logs: readonly string[];
  readonly witnesses: readonly CosignerVerifierKey[];
  readonly quorum: Quorum;
}

const NONE: Quorum = { kind: 'group', name: 'none', k: 0, members: [] };
const HEX_KEY = /^[0-9a-fA-F]{64}$/;

export function parseWitnessPolicy(text: string): WitnessPolicy {
  const names = new Map<string, Quorum>([['none', NONE]]);
  const logs: string[] = [];
  const witnesses: CosignerVerifierKey[] = [];
  let quorum: Quorum | undefined;
  const lines = text.split('\n');
  for (const [index, rawLine] of lines.entries()) {
    const hash = rawLine.indexOf('#');
    const fields = (hash < 0 ? rawLine : rawLine.slice(0, hash)).trim().split(/\s+/).filter((field) => field !== '');
    if (fields.length === 0) continue;
    const [keyword, ...args] = fields;
    const at = (detail: string) => new WitnessPolicyError(`line ${index + 1}: ${detail}`);
    const define = (name: string, rule: Quorum) => {
      if (names.has(name)) throw at(`duplicate name ${JSON.stringify(name)}`);
      names.set(name, rule);
    };
    switch (keyword) {
      case 'log':
        if (args.length < 1 || args.length > 2) throw at('a log line is `log <verifier key> [<url>]`');
        keyOr(at, () => parseVerifierKey(args[0]));
        logs.push(args[0]);
        break;
      case 'witness': {
        if (args.length < 2 || args.length > 3) throw at('a witness line is `witness <name> <key> [<url>]`');
        const [name, keyText] = args;
        const key = keyOr(at, () => (HEX_KEY.test(keyText) ? cosignerVerifierKeyFromRaw(name, Buffer.from(keyText, 'hex')) : parseCosignerVerifierKey(keyText)));
        define(name, { kind: 'witness', name, key });
        witnesses.push(key);
        break;
      }
      case 'group': {
        if (args.length < 3) throw at('a group line is `group <name> <k|any|all> <member>...`');
        const [name, threshold, ...memberNames] = args;
        const n = memberNames.length;
        const k = threshold === 'any' ? 1 : threshold === 'all' ? n : /^[1-9][0-9]*$/.test(threshold) ? Number(threshold) : NaN;
        if (!(k >= 1 && k <= n)) throw at(`threshold ${JSON.stringify(threshold)} must be any, all or a number from 1 to ${n}`);
        const members = memberNames.map((member) => {
          const rule = names.get(member);
          if (rule === undefined) throw at(`undefined name ${JSON.stringify(member)} (define it on an earlier line)`);
          return rule;
        });
        define(name, { kind: 'group', name, k, members });
        break;
      }
      case 'quorum': {
        if (args.length !== 1) throw at('a quorum line is `quorum <name>`');
        if (quorum !== undefined) throw at('the quorum can only be set once');
        const rule = names.get(args[0]);
        if (rule === undefined) throw at(`undefined name ${JSON.stringify(args[0])}`);
        quorum = rule;
        break;
      }
      default:
        throw at(`unknown keyword ${JSON.stringify(keyword)}`);
    }
  }
  if (quorum === undefined) throw new WitnessPolicyError('no quorum line');
  return { logs, witnesses, quorum };
}

/** The policy "at least `k` of these witnesses" (the verifier's --witness and --quorum). */
export function thresholdPolicy(witnessKeys: readonly string[], k: number): WitnessPolicy {
  const witnesses = witnessKeys.map((key) => keyOr((detail) => new WitnessPolicyError(detail), () => parseCosignerVerifierKey(key)));
  if (!Number.isInteger(k) || k < 0 || k > witnesses.length) {
    throw new WitnessPolicyError(`the quorum ${k} must be a whole number from 0 to the ${witnesses.length} witnesses given`);
  }
  const members = witnesses.map((key): Quorum => ({ kind: 'witness', name: key.name, key }));
  return { logs: [], witnesses, quorum: { kind: 'group', name: `${k} of ${witnesses.length}`, k, members } };
}

/** Whether the witnesses that validly cosigned (by verifier key string) satisfy the rule. */
export function quorumSatisfied(quorum: Quorum, cosigned: ReadonlySet<string>): boolean {
  if (quorum.kind === 'witness') return cosigned.has(quorum.key.verifierKey);
  return quorum.members.filter((member) => quorumSatisfied(member, cosigned)).length >= quorum.k;
}

/** The rule in words, e.g. "2 of (w1, w2, w3)". */
export function describeQuorum(quorum: Quorum): string {
  if (quorum.kind === 'witness') return quorum.name;
  if (quorum.k === 0) return 'none';
  return `${quorum.k} of (${quorum.members.map(describeQuorum).join(', ')})`;
}

function keyOr<T>(error: (detail: string) => Error, parse: () => T): T {
  try {
    return parse();
  } catch (caught) {
    if (caught instanceof SignedNoteError) throw error(caught.message);
    throw caught;
  }
}
