import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FolderEvidenceStore, sha256Hex, sniffEvidenceType } from './evidence-store';

const PDF = Buffer.from('%PDF-1.7\n1 0 obj << >> endobj\n%%EOF\n');
const PNG = Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), Buffer.from('rest of a png')]);

describe('the evidence store (a folder, by SHA-256)', () => {
  let folder: string;
  beforeEach(() => (folder = mkdtempSync(join(tmpdir(), 'pangolin-evidence-'))));
  afterEach(() => rmSync(folder, { recursive: true, force: true }));

  it('keeps a file under the SHA-256 of its bytes, once however often it is stored, and reads it back intact', async () => {
    const store = new FolderEvidenceStore(folder);
    const stored = await store.put(PDF);
    expect(stored).toEqual({ sha256: sha256Hex(PDF), size: PDF.length, mediaType: 'application/pdf' });
    expect(await store.put(PDF)).toEqual(stored);
    expect(readdirSync(join(folder, stored.sha256.slice(0, 2)))).toEqual([stored.sha256]);
    expect(await store.read(stored.sha256)).toEqual({ status: 'intact', bytes: PDF, mediaType: 'application/pdf' });
  });

  it('finds a file altered on disk after it was stored: its bytes no longer hash to its name', async () => {
    const store = new FolderEvidenceStore(folder);
    const { sha256 } = await store.put(PNG);
    const altered = Buffer.from(PNG);
    altered[PNG.length - 1] ^= 1;
    writeFileSync(join(folder, sha256.slice(0, 2), sha256), altered);
    expect(await store.read(sha256)).toEqual({ status: 'altered', actualSha256: sha256Hex(altered) });
    expect(await store.read('0'.repeat(64))).toEqual({ status: 'missing' });
    expect(await store.read('../../etc/passwd')).toEqual({ status: 'missing' });
  });

  it('takes only PDF, JPEG, PNG and WebP, known by their first bytes', async () => {
    expect(sniffEvidenceType(PDF)).toBe('application/pdf');
    expect(sniffEvidenceType(Buffer.from([0xff, 0xd8, 0xff, 0xe0]))).toBe('image/jpeg');
    expect(sniffEvidenceType(PNG)).toBe('image/png');
    expect(sniffEvidenceType(Buffer.from('RIFF\0\0\0\0WEBPVP8 '))).toBe('image/webp');
    expect(sniffEvidenceType(Buffer.from('<html><script>'))).toBeUndefined();
    await expect(new FolderEvidenceStore(folder).put(Buffer.from('MZ executable'))).rejects.toThrow('evidence must be one of');
  });
});
