/**
 * pangolin-verify: checks a gift receipt, or that one checkpoint of the log extends another,
 * offline. Plain Node on purpose: it must run on a donor's machine with nothing but this
 * repository, so it imports only the transparency library and Node's built-ins.
 */
import { existsSync, readFileSync, statSync } from 'node:fs';
import {
  describeQuorum,
  describeTrail,
  parseVerifierKey,
  parseWitnessPolicy,
  thresholdPolicy,
  verifyConsistencyProof,
  verifyPromise,
  verifyReceipt,
  WitnessPolicyError,
  type WitnessPolicy,
} from '@pangolin/transparency';

const USAGE = `Usage:
  pangolin-verify <receipt.json> --key <verifier key, or a file holding it> [--origin <origin>]
                  [--witness <witness verifier key> ... --quorum <k> | --policy <policy file>] [--require-complete]
  pangolin-verify consistency <older-checkpoint> <newer-checkpoint> <proof.json> --key <verifier key, or a file holding it> [--origin <origin>]
  pangolin-verify promise <promise file> --key <verifier key, or a file holding it> [--proofs <proofs.json>] [--origin <origin>]
  pangolin-verify --help

Checks a Pangolin gift receipt offline: the log's signature on the receipt's checkpoint, that
every event in the receipt is in the log, and that every event belongs to the gift; then prints
the gift's proven money trail. When the checkpoint commits to the log's trail map (a
pangolin-trail-map line), it also checks that the receipt shows the gift's whole trail up to the
checkpoint: leaving out any event is refused. Receipts of older checkpoints, without the line, verify
with their completeness reported unproven; --require-complete refuses them. The consistency form checks that the log at the newer checkpoint
extends the log at the older one (nothing recorded before was changed or removed).

The promise form checks the signed promise a payment was answered with (the answer's \`promise\`,
saved to a file): the log promised to hold its events, at the leaf indexes and with the leaf hashes
it names, in a checkpoint signed within its maximum merge delay. Before that deadline only its
signature is checked and it is reported pending. After it, --proofs must give a later checkpoint
with the inclusion proofs of the promised leaves (GET /transparency/leaves?indexes=<i>,<j>...); the
promise is broken if that checkpoint holds another leaf at a promised index, or does not hold it.

The verifier key is the log's public key, e.g. pangolin.example/log+1a2b3c4d+AVc0...
The checkpoint must name the log's origin: --origin, by default the verifier key's name.

Witnesses (c2sp.org/tlog-witness) cosign a checkpoint only if it extends every checkpoint of the
log they cosigned before, so a quorum of them makes a split view or a rewritten history visible.
--witness <key> (repeatable) with --quorum <k> requires valid cosignatures (c2sp.org/tlog-cosignature)
by at least k of those witnesses (k defaults to all of them). --policy <file> reads witnesses and the
quorum from a file in Sigsum's policy syntax:

  log <log verifier key>                          (optional; --key may be left out then)
  witness <name> <witness verifier key, or its Ed25519 public key in hex>
  group <name> <k|any|all> <witness or group name>...
  quorum <witness or group name | none>

Exit status: 0 verified, 1 not verified, 2 wrong usage or unreadable file.`;

export const EXIT_VERIFIED = 0;
export const EXIT_NOT_VERIFIED = 1;
export const EXIT_USAGE = 2;

class UsageError extends Error {}

/** Runs the command line `args` (without node and the script) and returns the exit status. */
export function runCli(args: readonly string[]): number {
  try {
    const { positional, key, help, origin, witnesses, quorum, policy: policyPath, proofs, requireComplete } = parseArguments(args);
    if (help) {
      process.stdout.write(`${USAGE}\n`);
      return EXIT_VERIFIED;
    }
    if (positional[0] === 'consistency') {
      if (positional.length !== 4) throw new UsageError('consistency takes an older checkpoint file, a newer checkpoint file and a proof file');
      if (witnesses.length > 0 || quorum !== undefined || policyPath !== undefined) throw new UsageError('consistency takes no witnesses: it checks the log\'s own signatures');
      return verifyConsistencyFiles(positional[1], positional[2], positional[3], verifierKeyFrom(key), origin);
    }
    if (positional[0] === 'promise') {
      if (positional.length !== 2) throw new UsageError('promise takes one promise file (and --proofs <file> after its deadline)');
      if (witnesses.length > 0 || quorum !== undefined || policyPath !== undefined) throw new UsageError('promise takes no witnesses: it checks the log\'s own signatures');
      return verifyPromiseFile(positional[1], proofs, verifierKeyFrom(key), origin);
    }
    if (requireComplete && positional[0] !== undefined && ['consistency', 'promise'].includes(positional[0])) throw new UsageError('--require-complete goes with a receipt');
    if (proofs !== undefined) throw new UsageError('--proofs goes with the promise form');
    if (positional.length !== 1) throw new UsageError(positional.length === 0 ? 'name the receipt file to check' : `expected one receipt file, got ${positional.length} arguments`);
    const policy = witnessPolicyFrom(witnesses, quorum, policyPath);
    return verifyReceiptFile(positional[0], verifierKeyFrom(key ?? singleLogKeyOf(policy)), origin, policy, requireComplete);
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    process.stderr.write(`pangolin-verify: ${error.message}\n\n${USAGE}\n`);
    return EXIT_USAGE;
  }
}

function verifyReceiptFile(path: string, verifierKey: string, origin: string | undefined, policy: WitnessPolicy | undefined, requireCompleteTrail: boolean): number {
  if (policy && policy.logs.length > 0 && !policy.logs.includes(verifierKey)) {
    throw new UsageError('--key is not one of the logs the policy file names');
  }
  const result = verifyReceipt(readInput(path, 'receipt'), verifierKey, { origin, witnesses: policy, requireCompleteTrail });
  if (!result.ok) {
    process.stdout.write(`Receipt NOT verified: ${result.failure}\n`);
    return EXIT_NOT_VERIFIED;
  }
  const { checkpoint, trail, signedBy, cosignedBy, completeness } = result;
  const witnessed = policy
    ? [`Witnessed: cosigned by ${cosignedBy.length === 0 ? 'no witness' : cosignedBy.map((cosignature) => `${cosignature.name} (at ${new Date(Number(cosignature.timestamp) * 1000).toISOString()})`).join(', ')}; the quorum ${describeQuorum(policy.quorum)} is met.`]
    : ['Not witnessed: no witness policy was given (--witness/--quorum or --policy), so a split view of the log would go unnoticed here.'];
  const lines = [
    `Receipt verified: the ${trail.steps.length} events below are in the log ${checkpoint.origin}, ` +
      `as of its checkpoint of ${checkpoint.size} entries (root hash ${Buffer.from(checkpoint.rootHash).toString('base64')}) signed by ${signedBy.join(', ')}.`,
    ...witnessed,
    completeness === 'proven'
      ? `Complete: the checkpoint commits to a trail of ${trail.steps.length} events for this gift, and the receipt shows every one of them.`
      : 'Completeness unproven: the checkpoint commits to no trail map (it predates them), so events left out of this receipt would go unnoticed; --require-complete refuses such receipts.',
    '',
    `Proven money trail of gift ${trail.giftId}:`,
    ...describeTrail(trail)
      .split('\n')
      .map((line) => (line === '' ? '' : `  ${line}`)),
    '',
    'To check that the log was not rewritten later, verify a newer checkpoint with `pangolin-verify consistency`.',
  ];
  process.stdout.write(`${lines.join('\n')}\n`);
  return EXIT_VERIFIED;
}

function verifyConsistencyFiles(olderPath: string, newerPath: string, proofPath: string, verifierKey: string, origin: string | undefined): number {
  const result = verifyConsistencyProof(
    readInput(olderPath, 'older checkpoint'),
    readInput(newerPath, 'newer checkpoint'),
    readInput(proofPath, 'consistency proof'),
    verifierKey,
    origin,
  );
  if (!result.ok) {
    process.stdout.write(`Consistency NOT verified: ${result.failure}\n`);
    return EXIT_NOT_VERIFIED;
  }
  process.stdout.write(`Consistency verified. ${result.statement}\n`);
  return EXIT_VERIFIED;
}

function verifyPromiseFile(path: string, proofsPath: string | undefined, verifierKey: string, origin: string | undefined): number {
  const result = verifyPromise(readInput(path, 'promise'), verifierKey, { origin, evidence: proofsPath === undefined ? undefined : readInput(proofsPath, 'proofs') });
  switch (result.status) {
    case 'kept':
      process.stdout.write(`Promise kept: ${result.statement}.\n`);
      return EXIT_VERIFIED;
    case 'pending':
      process.stdout.write(`Promise pending: ${result.statement}. Check it again with --proofs after the deadline.\n`);
      return EXIT_VERIFIED;
    case 'broken':
      process.stdout.write(`Promise NOT kept: ${result.failure}.\n`);
      return EXIT_NOT_VERIFIED;
    default:
      process.stdout.write(`Promise NOT verified: ${result.failure}\n`);
      return EXIT_NOT_VERIFIED;
  }
}

interface Arguments {
  positional: string[];
  proofs?: string;
  key?: string;
  origin?: string;
  witnesses: string[];
  quorum?: string;
  policy?: string;
  help: boolean;
  requireComplete: boolean;
}

const SINGLE_OPTIONS = { '--key': 'key', '--origin': 'origin', '--quorum': 'quorum', '--policy': 'policy', '--proofs': 'proofs' } as const;
const OPTION_HINTS: Record<string, string> = {
  '--key': 'a verifier key or a file holding it',
  '--origin': "the log's origin line",
  '--quorum': 'a number of witnesses',
  '--policy': 'a policy file',
  '--proofs': 'a proofs file (GET /transparency/leaves?indexes=...)',
  '--witness': "a witness's verifier key or a file holding it",
};

function parseArguments(args: readonly string[]): Arguments {
  const parsed: Arguments = { positional: [], witnesses: [], help: false, requireComplete: false };
  for (let i = 0; i < args.length; i++) {
    const arg = args[i];
    const flag = arg.startsWith('--') && arg.includes('=') ? arg.slice(0, arg.indexOf('=')) : arg;
    if (arg === '--help' || arg === '-h') {
      parsed.help = true;
    } else if (arg === '--require-complete') {
      parsed.requireComplete = true;
    } else if (flag in SINGLE_OPTIONS || flag === '--witness') {
      const value = arg === flag ? args[++i] : arg.slice(flag.length + 1);
      if (value === undefined || value === '') throw new UsageError(`${flag} needs ${OPTION_HINTS[flag]}`);
      if (flag === '--witness') {
        parsed.witnesses.push(value);
        continue;
      }
      const field = SINGLE_OPTIONS[flag as keyof typeof SINGLE_OPTIONS];
      if (parsed[field] !== undefined) throw new UsageError(`give ${flag} once`);
      parsed[field] = value;
    } else if (arg.startsWith('-') && arg !== '-') {
      throw new UsageError(`unknown option ${arg}`);
    } else {
      parsed.positional.push(arg);
    }
  }
  return parsed;
}

/** The witness policy of --witness/--quorum or --policy; undefined when neither is given. */
function witnessPolicyFrom(witnesses: readonly string[], quorum: string | undefined, policyPath: string | undefined): WitnessPolicy | undefined {
  try {
    if (policyPath !== undefined) {
      if (witnesses.length > 0 || quorum !== undefined) throw new UsageError('give either --policy or --witness/--quorum, not both');
      return parseWitnessPolicy(readInput(policyPath, 'policy').toString('utf8'));
    }
    if (witnesses.length === 0) {
      if (quorum !== undefined) throw new UsageError('--quorum needs the witnesses it counts: give --witness <key> for each');
      return undefined;
    }
    if (quorum !== undefined && !/^(0|[1-9][0-9]*)$/.test(quorum)) throw new UsageError(`--quorum must be a whole number, got ${JSON.stringify(quorum)}`);
    const keys = witnesses.map((witness) => (isFile(witness) ? readInput(witness, 'witness key').toString('utf8').trim() : witness));
    return thresholdPolicy(keys, quorum === undefined ? keys.length : Number(quorum));
  } catch (error) {
    if (error instanceof WitnessPolicyError) throw new UsageError(error.message);
    throw error;
  }
}

function singleLogKeyOf(policy: WitnessPolicy | undefined): string | undefined {
  if (!policy || policy.logs.length === 0) return undefined;
  if (policy.logs.length > 1) throw new UsageError('the policy names several logs: give --key for the one that signed this receipt');
  return policy.logs[0];
}

function isFile(path: string): boolean {
  return existsSync(path) && statSync(path).isFile();
}

/** The key itself, or the contents of the file it names; refuses anything that is not a verifier key. */
function verifierKeyFrom(argument: string | undefined): string {
  if (argument === undefined) throw new UsageError('--key is required: the log\'s verifier key, or a file holding it');
  const isFile = existsSync(argument) && statSync(argument).isFile();
  const key = isFile ? readInput(argument, 'key').toString('utf8').trim() : argument;
  try {
    parseVerifierKey(key);
  } catch (error) {
    const source = isFile ? `the file ${argument}` : `--key (no file of that name either)`;
    throw new UsageError(`${source} does not hold a verifier key: ${(error as Error).message}`);
  }
  return key;
}

function readInput(path: string, what: string): Buffer {
  try {
    return readFileSync(path);
  } catch (error) {
    throw new UsageError(`cannot read the ${what} file ${path}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`);
  }
}

if (require.main === module) process.exitCode = runCli(process.argv.slice(2));
