/**
 * pangolin-verify: checks a gift receipt, or that one checkpoint of the log extends another,
 * offline. Plain Node on purpose: it must run on a donor's machine with nothing but this
 * repository, so it imports only the transparency library and Node's built-ins.
 */
import { existsSync, readFileSync, statSync } from 'node:fs';
import { describeTrail, parseVerifierKey, verifyConsistencyProof, verifyReceipt } from '@pangolin/transparency';

const USAGE = `Usage:
  pangolin-verify <receipt.json> --key <verifier key, or a file holding it>
  pangolin-verify consistency <older-checkpoint> <newer-checkpoint> <proof.json> --key <verifier key, or a file holding it>
  pangolin-verify --help

Checks a Pangolin gift receipt offline: the log's signature on the receipt's checkpoint, that
every event in the receipt is in the log, and that every event belongs to the gift; then prints
the gift's proven money trail. The consistency form checks that the log at the newer checkpoint
extends the log at the older one (nothing recorded before was changed or removed).

The verifier key is the log's public key, e.g. pangolin.example/log+1a2b3c4d+AVc0...

Exit status: 0 verified, 1 not verified, 2 wrong usage or unreadable file.`;

export const EXIT_VERIFIED = 0;
export const EXIT_NOT_VERIFIED = 1;
export const EXIT_USAGE = 2;

class UsageError extends Error {}

/** Runs the command line `args` (without node and the script) and returns the exit status. */
export function runCli(args: readonly string[]): number {
  try {
    const { positional, key, help } = parseArguments(args);
    if (help) {
      process.stdout.write(`${USAGE}\n`);
      return EXIT_VERIFIED;
    }
    if (positional[0] === 'consistency') {
      if (positional.length !== 4) throw new UsageError('consistency takes an older checkpoint file, a newer checkpoint file and a proof file');
      return verifyConsistencyFiles(positional[1], positional[2], positional[3], verifierKeyFrom(key));
    }
    if (positional.length !== 1) throw new UsageError(positional.length === 0 ? 'name the receipt file to check' : `expected one receipt file, got ${positional.length} arguments`);
    return verifyReceiptFile(positional[0], verifierKeyFrom(key));
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    process.stderr.write(`pangolin-verify: ${error.message}\n\n${USAGE}\n`);
    return EXIT_USAGE;
  }
}

function verifyReceiptFile(path: string, verifierKey: string): number {
  const result = verifyReceipt(readInput(path, 'receipt'), verifierKey);
  if (!result.ok) {
    process.stdout.write(`Receipt NOT verified: ${result.failure}\n`);
    return EXIT_NOT_VERIFIED;
  }
  const { checkpoint, trail, signedBy } = result;
  const lines = [
    `Receipt verified: the ${trail.steps.length} events below are in the log ${checkpoint.origin}, ` +
      `as of its checkpoint of ${checkpoint.size} entries (root hash ${Buffer.from(checkpoint.rootHash).toString('base64')}) signed by ${signedBy.join(', ')}.`,
    '',
    `Proven money trail of gift ${trail.giftId}:`,
    ...describeTrail(trail)
      .split('\n')
      .map((line) => (line === '' ? '' : `  ${line}`)),
    '',
    'A receipt proves that each event shown is in the log; it cannot show events left out of it.',
    'To check that the log was not rewritten later, verify a newer checkpoint with `pangolin-verify consistency`.',
  ];
  process.stdout.write(`${lines.join('\n')}\n`);
  return EXIT_VERIFIED;
}

function verifyConsistencyFiles(olderPath: string, newerPath: string, proofPath: string, verifierKey: string): number {
  const result = verifyConsistencyProof(
    readInput(olderPath, 'older checkpoint'),
    readInput(newerPath, 'newer checkpoint'),
    readInput(proofPath, 'consistency proof'),
    verifierKey,
  );
  if (!result.ok) {
    process.stdout.write(`Consistency NOT verified: ${result.failure}\n`);
    return EXIT_NOT_VERIFIED;
  }
  process.stdout.write(`Consistency verified. ${result.statement}\n`);
  return EXIT_VERIFIED;
}

function parseArguments(args: readonly string[]): { positional: string[]; key?: string; help: boolean } {
  const positional: string[] = [];
  let key: string | undefined;
  let help = false;
  for (let i = 0; i < args.length; i++) {
    const arg = args[i];
    if (arg === '--help' || arg === '-h') {
      help = true;
    } else if (arg === '--key' || arg.startsWith('--key=')) {
      if (key !== undefined) throw new UsageError('give --key once');
      key = arg === '--key' ? args[++i] : arg.slice('--key='.length);
      if (key === undefined || key === '') throw new UsageError('--key needs a verifier key or a file holding it');
    } else if (arg.startsWith('-') && arg !== '-') {
      throw new UsageError(`unknown option ${arg}`);
    } else {
      positional.push(arg);
    }
  }
  return { positional, key, help };
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
