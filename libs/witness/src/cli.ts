/**
 * pangolin-witness: a C2SP tlog-witness for Pangolin's transparency log (or any log that speaks
 * c2sp.org/tlog-witness with Ed25519 checkpoint signatures). Plain Node, no framework.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { generateCosignerKey, SignedNoteError } from '@pangolin/transparency';
import { ConfigError, parseListen, readWitnessConfig } from './config';
import { createWitnessServer } from './server';
import { lockStateFile, readStateFile, StateFile, StateFileError } from './state-file';
import { Witness } from './witness';

const USAGE = `Usage:
  pangolin-witness generate-key <name> [--out <file>]
  pangolin-witness serve --config <file> [--listen <host>:<port>]
  pangolin-witness --help

generate-key creates the witness's Ed25519 key pair. The name identifies the witness, e.g.
witness.example.org/w1. The secret key goes to --out (created with mode 0600, never overwritten)
or, without --out, to standard output; the public verifier key is printed for logs and verifiers.

serve answers POST <urlPrefix>/add-checkpoint as c2sp.org/tlog-witness describes, for the logs
named in the config file (JSON):

  {
    "listen": "127.0.0.1:7380",
    "signingKeyFile": "witness.key",
    "stateFile": "witness-state.json",
    "logs": [{ "verifierKey": "<the log's note verifier key>", "origin": "<its origin, default the key's name>" }]
  }

The state file remembers the latest checkpoint cosigned per log. Keep it: a witness that loses it
can be made to cosign a second view of a log. Exit status: 2 for wrong usage or configuration.`;

class UsageError extends Error {}

export async function main(args: readonly string[]): Promise<number> {
  try {
    const [command, ...rest] = args;
    if (command === undefined || command === '--help' || command === '-h' || command === 'help') {
      process.stdout.write(`${USAGE}\n`);
      return command === undefined ? 2 : 0;
    }
    if (command === 'generate-key') return generateKey(rest);
    if (command === 'serve') return await serve(rest);
    throw new UsageError(`unknown command ${JSON.stringify(command)}`);
  } catch (error) {
    if (error instanceof UsageError || error instanceof ConfigError || error instanceof StateFileError || error instanceof SignedNoteError) {
      process.stderr.write(`pangolin-witness: ${error.message}\n${error instanceof UsageError ? `\n${USAGE}\n` : ''}`);
      return 2;
    }
    throw error;
  }
}

function options(args: readonly string[], known: readonly string[]): { positional: string[]; values: Map<string, string> } {
  const positional: string[] = [];
  const values = new Map<string, string>();
  for (let i = 0; i < args.length; i++) {
    const arg = args[i];
    if (!arg.startsWith('--')) {
      positional.push(arg);
      continue;
    }
    const [flag, inline] = arg.includes('=') ? [arg.slice(0, arg.indexOf('=')), arg.slice(arg.indexOf('=') + 1)] : [arg, undefined];
    if (!known.includes(flag)) throw new UsageError(`unknown option ${flag}`);
    const value = inline ?? args[++i];
    if (value === undefined || value === '') throw new UsageError(`${flag} needs a value`);
    if (values.has(flag)) throw new UsageError(`give ${flag} once`);
    values.set(flag, value);
  }
  return { positional, values };
}

function generateKey(args: readonly string[]): number {
  const { positional, values } = options(args, ['--out']);
  if (positional.length !== 1) throw new UsageError('generate-key takes the witness name, e.g. witness.example.org/w1');
  const { signerKey, verifierKey } = generateCosignerKey(positional[0]);
  const out = values.get('--out');
  if (out === undefined) {
    process.stdout.write(`${signerKey}\n`);
    process.stderr.write(`verifier key: ${verifierKey}\n`);
    return 0;
  }
  try {
    writeFileSync(out, `${signerKey}\n`, { mode: 0o600, flag: 'wx' });
  } catch (error) {
    throw new UsageError(`cannot create ${out}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`);
  }
  process.stdout.write(`${verifierKey}\n`);
  return 0;
}

async function serve(args: readonly string[]): Promise<number> {
  const { positional, values } = options(args, ['--config', '--listen']);
  if (positional.length > 0) throw new UsageError(`unexpected argument ${positional[0]}`);
  const configPath = values.get('--config');
  if (configPath === undefined) throw new UsageError('serve needs --config <file>');
  const config = readWitnessConfig(configPath);
  const listen = values.has('--listen') ? parseListen(values.get('--listen') as string) : config;
  let signerKey: string;
  try {
    signerKey = readFileSync(config.signingKeyFile, 'utf8').trim();
  } catch (error) {
    throw new ConfigError(`cannot read the signing key file ${config.signingKeyFile}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`);
  }
  const unlock = lockStateFile(config.stateFile);
  let witness: Witness;
  try {
    witness = new Witness({
      logs: config.logs,
      signerKey,
      stateFile: new StateFile(config.stateFile),
      state: readStateFile(config.stateFile),
      onEvidence: (origin, reason) => process.stderr.write(`pangolin-witness: refused a checkpoint signed by ${origin}: ${reason}\n`),
    });
  } catch (error) {
    unlock();
    if (error instanceof Error && !(error instanceof StateFileError) && !(error instanceof SignedNoteError)) throw new ConfigError(error.message);
    throw error;
  }
  const server = createWitnessServer(witness, config.urlPrefix);
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(listen.port, listen.host, () => resolve());
  }).catch((error) => {
    unlock();
    throw new ConfigError(`cannot listen on ${listen.host}:${listen.port}: ${(error as Error).message}`);
  });
  const address = server.address() as AddressInfo;
  const host = address.family === 'IPv6' ? `[${address.address}]` : address.address;
  const sizes = witness.origins.map((origin) => `${origin} at size ${witness.latest(origin)?.size ?? 0}`).join(', ');
  // One write: whoever waits for "listening" reads the lines after it in the same chunk.
  process.stdout.write(
    `pangolin-witness ${witness.name} listening on http://${host}:${address.port}${config.urlPrefix.replace(/\/+$/, '')}\n` + `verifier key: ${witness.verifierKey}\nwitnessing: ${sizes}\nstate file: ${config.stateFile}\n`,
  );
  return new Promise<number>((resolve) => {
    const stop = () => {
      server.close(() => {
        unlock();
        resolve(0);
      });
      server.closeAllConnections();
    };
    process.once('SIGTERM', stop);
    process.once('SIGINT', stop);
  });
}

if (require.main === module) void main(process.argv.slice(2)).then((code) => (process.exitCode = code));
