/**
 * The witness's configuration file (JSON). Relative paths are relative to the file's folder.
 *
 *   {
 *     "listen": "127.0.0.1:7380",
 *     "urlPrefix": "",
 *     "signingKeyFile": "witness.key",
 *     "stateFile": "witness-state.json",
 *     "logs": [{ "verifierKey": "pangolin.example/log+1a2b3c4d+AV...", "origin": "pangolin.example/log" }]
 *   }
 */
import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';

export interface WitnessConfig {
  readonly host: string;
  readonly port: number;
  readonly urlPrefix: string;
  readonly signingKeyFile: string;
  readonly stateFile: string;
  readonly logs: ReadonlyArray<{ readonly origin?: string; readonly verifierKey: string }>;
}

export class ConfigError extends Error {}

const KEYS = ['listen', 'urlPrefix', 'signingKeyFile', 'stateFile', 'logs'];

export function readWitnessConfig(path: string): WitnessConfig {
  let json: Record<string, unknown>;
  try {
    json = JSON.parse(readFileSync(path, 'utf8'));
  } catch (error) {
    throw new ConfigError(`cannot read the config file ${path}: ${(error as Error).message}`);
  }
  const fail = (detail: string) => new ConfigError(`${path}: ${detail}`);
  if (typeof json !== 'object' || json === null || Array.isArray(json)) throw fail('must hold a JSON object');
  const unknown = Object.keys(json).filter((key) => !KEYS.includes(key));
  if (unknown.length > 0) throw fail(`unknown setting ${unknown.map((key) => JSON.stringify(key)).join(', ')} (known: ${KEYS.join(', ')})`);
  const folder = dirname(resolve(path));
  const string = (key: string, fallback?: string): string => {
    const value = json[key] ?? fallback;
    if (typeof value !== 'string' || (value === '' && fallback === undefined)) throw fail(`"${key}" must be a non-empty string`);
    return value;
  };
  const { host, port } = parseListen(string('listen', '127.0.0.1:7380'), fail);
  const logs = json.logs;
  if (!Array.isArray(logs) || logs.length === 0) throw fail('"logs" must list at least one log: [{ "verifierKey": "...", "origin": "..." }]');
  return {
    host,
    port,
    urlPrefix: string('urlPrefix', ''),
    signingKeyFile: resolve(folder, string('signingKeyFile')),
    stateFile: resolve(folder, string('stateFile')),
    logs: logs.map((log, i) => {
      const entry = log as { verifierKey?: unknown; origin?: unknown };
      if (typeof entry?.verifierKey !== 'string') throw fail(`logs[${i}].verifierKey must be the log's note verifier key`);
      if (entry.origin !== undefined && (typeof entry.origin !== 'string' || entry.origin === '')) throw fail(`logs[${i}].origin must be a non-empty string`);
      return { verifierKey: entry.verifierKey, origin: entry.origin as string | undefined };
    }),
  };
}

export function parseListen(listen: string, fail: (detail: string) => Error = (detail) => new ConfigError(detail)): { host: string; port: number } {
  const match = /^(.*):([0-9]{1,5})$/.exec(listen);
  const port = match ? Number(match[2]) : NaN;
  if (!match || port > 65535) throw fail(`"listen" must be <host>:<port>, got ${JSON.stringify(listen)}`);
  return { host: match[1].replace(/^\[(.*)\]$/, '$1') || '0.0.0.0', port };
}
