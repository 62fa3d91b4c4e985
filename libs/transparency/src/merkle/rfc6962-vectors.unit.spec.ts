import { readdirSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import { verifyConsistency, verifyInclusion } from './verify';

// transparency-dev/merkle's testdata, copied into the repository with its licence (see test-vectors/README.md).
const VECTORS_DIR = path.join(__dirname, '../../test-vectors/rfc6962');
const EXPECTED_VECTOR_COUNT = 196;

interface InclusionVector {
  leafIdx: bigint;
  treeSize: bigint;
  root: string;
  leafHash: string;
  proof: string[] | null;
  desc: string;
  wantErr: boolean;
}

interface ConsistencyVector {
  size1: bigint;
  size2: bigint;
  root1: string;
  root2: string;
  proof: string[] | null;
  desc: string;
  wantErr: boolean;
}

function jsonFilesUnder(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true })
    .flatMap((entry) => {
      const entryPath = path.join(dir, entry.name);
      if (entry.isDirectory()) return jsonFilesUnder(entryPath);
      return entry.name.endsWith('.json') ? [entryPath] : [];
    })
    .sort();
}

/** JSON.parse would round sizes such as 18446744073709551615, so quote them and read them as bigint. */
function parseVector<T>(file: string, sizeFields: readonly string[]): T {
  const quoted = readFileSync(file, 'utf8').replace(
    new RegExp(`"(${sizeFields.join('|')})"\\s*:\\s*(\\d+)`, 'g'),
    '"$1": "$2"',
  );
  return JSON.parse(quoted, (key, value) => (sizeFields.includes(key) ? BigInt(value) : value));
}

const bytes = (base64: string) => new Uint8Array(Buffer.from(base64, 'base64'));
const relative = (file: string) => path.relative(VECTORS_DIR, file);

const inclusionFiles = jsonFilesUnder(path.join(VECTORS_DIR, 'inclusion'));
const consistencyFiles = jsonFilesUnder(path.join(VECTORS_DIR, 'consistency'));

describe('RFC 6962 vectors from transparency-dev/merkle', () => {
  it(`finds all ${EXPECTED_VECTOR_COUNT} vector files`, () => {
    expect(inclusionFiles.length + consistencyFiles.length).toBe(EXPECTED_VECTOR_COUNT);
  });

  describe('inclusion', () => {
    const cases = inclusionFiles.map((file) => ({
      file: relative(file),
      vector: parseVector<InclusionVector>(file, ['leafIdx', 'treeSize']),
    }));

    it.each(cases.map((c) => [`${c.file}: ${c.vector.desc}`, c.vector] as const))('%s', (_name, vector) => {
      const result = verifyInclusion(
        bytes(vector.leafHash),
        vector.leafIdx,
        vector.treeSize,
        (vector.proof ?? []).map(bytes),
        bytes(vector.root),
      );
      expect(result.ok).toBe(!vector.wantErr);
    });
  });

  describe('consistency', () => {
    const cases = consistencyFiles.map((file) => ({
      file: relative(file),
      vector: parseVector<ConsistencyVector>(file, ['size1', 'size2']),
    }));

    it.each(cases.map((c) => [`${c.file}: ${c.vector.desc}`, c.vector] as const))('%s', (_name, vector) => {
      const result = verifyConsistency(
        vector.size1,
        vector.size2,
        (vector.proof ?? []).map(bytes),
        bytes(vector.root1),
        bytes(vector.root2),
      );
      expect(result.ok).toBe(!vector.wantErr);
    });
  });
});
