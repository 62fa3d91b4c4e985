import { existsSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { generateSignerKey, isValidKeyName } from '@pangolin/transparency';
import { DEFAULT_LOG_ORIGIN } from '@pangolin/runtime';

const USAGE = `usage: npm run generate-signing-key -- [--name <log origin>] <key file>

Creates a new Ed25519 key for signing the transparency log's checkpoints, writes its secret signer key
to <key file> (readable by its owner only; the file must not exist yet) and prints the public verifier
key. Give the file to every Pangolin process with TRANSPARENCY_SIGNING_KEY_FILE=<key file>, and publish
the verifier key. --name is the key's name and the log's origin (default ${DEFAULT_LOG_ORIGIN}).`;

/** Writes a new signer key to `file` and returns its verifier key. */
export function generateSigningKeyFile(file: string, name = DEFAULT_LOG_ORIGIN): string {
  if (!isValidKeyName(name)) throw new Error(`--name must be a key name without spaces or '+', got "${name}"`);
  if (existsSync(file)) throw new Error(`${file} already exists: a signing key is never overwritten (checkpoints signed with it must stay verifiable)`);
  const { signerKey, verifierKey } = generateSignerKey(name);
  writeFileSync(file, `${signerKey}\n`, { mode: 0o600, flag: 'wx' });
  return verifierKey;
}

if (require.main === module) {
  const args = process.argv.slice(2);
  const nameAt = args.indexOf('--name');
  const name = nameAt >= 0 ? args.splice(nameAt, 2)[1] : undefined;
  if (args.length !== 1 || args[0].startsWith('-') || (nameAt >= 0 && !name)) {
    console.error(USAGE);
    process.exit(2);
  }
  try {
    const file = resolve(args[0]);
    const verifierKey = generateSigningKeyFile(file, name);
    console.log(`Signer key written to ${file}. Set TRANSPARENCY_SIGNING_KEY_FILE=${file} for every Pangolin process.`);
    console.log(`Public verifier key (publish it): ${verifierKey}`);
  } catch (error) {
    console.error(error instanceof Error ? error.message : error);
    process.exit(1);
  }
}
