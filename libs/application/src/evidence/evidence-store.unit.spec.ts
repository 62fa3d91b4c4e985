import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { evidenceStoreContract } from './evidence-store.contract';
import { FolderEvidenceStore, sha256Hex, sniffEvidenceType } from './evidence-store';

const PDF = Buffer.from('%PDF-1.7\n1 0 obj << >> endobj\n%%EOF\n');
const PNG = Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), Buffer.from('rest of a png')]);

evidenceStoreContract('a folder', async () => {
  const folder = mkdtempSync(join(tmpdir(), 'pangolin-evidence-'));
  return {
    store: new FolderEvidenceStore(folder),
    overwrite: async (sha256, bytes) => writeFileSync(join(folder, sha256.slice(0, 2), sha256), bytes),
    // Every file under every sub-folder: a temporary file left behind would show.
    names: async () => readdirSync(folder).flatMap((sub) => readdirSync(join(folder, sub))).sort(),
    teardown: async () => rmSync(folder, { recursive: true, force: true }),
  };
});

describe('the evidence store (a folder, by SHA-256)', () => {
  let folder: string;
  beforeEach(() => (folder = mkdtempSync(join(tmpdir(), 'pangolin-evidence-'))));
  afterEach(() => rmSync(folder, { recursive: true, force: true }));

  it('keeps a file at <first two hex digits>/<sha256>', async () => {
    const stored = await new FolderEvidenceStore(folder).put(PDF);
    expect(readdirSync(folder)).toEqual([stored.sha256.slice(0, 2)]);
    expect(readdirSync(join(folder, stored.sha256.slice(0, 2)))).toEqual([stored.sha256]);
    expect(stored.sha256).toBe(sha256Hex(PDF));
  });

  it('takes only PDF, JPEG, PNG and WebP, known by their first bytes', () => {
    expect(sniffEvidenceType(PDF)).toBe('application/pdf');
    expect(sniffEvidenceType(Buffer.from([0xff, 0xd8, 0xff, 0xe0]))).toBe('image/jpeg');
    expect(sniffEvidenceType(PNG)).toBe('image/png');
    expect(sniffEvidenceType(Buffer.from('RIFF\0\0\0\0WEBPVP8 '))).toBe('image/webp');
    expect(sniffEvidenceType(Buffer.from('<html><script>'))).toBeUndefined();
  });
});
