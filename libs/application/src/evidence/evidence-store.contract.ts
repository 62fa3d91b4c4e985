import { MAX_EVIDENCE_BYTES } from '@pangolin/domain';
import { sha256Hex, type EvidenceStore } from './evidence-store';

/** One store under test, on a place of its own (an empty folder, an empty bucket or prefix). */
export interface EvidenceStoreUnderTest {
  store: EvidenceStore;
  /** Replaces the bytes kept under `sha256` behind the store's back, as an intruder or a faulty disk would. */
  overwrite(sha256: string, bytes: Buffer): Promise<void>;
  /** Every name the store's place holds (its SHA-256s, if it keeps nothing else), sorted. */
  names(): Promise<string[]>;
  teardown(): Promise<void>;
}

const PDF = Buffer.from('%PDF-1.7\n1 0 obj << /Type /Catalog >> endobj\n%%EOF\n');
const JPEG = Buffer.concat([Buffer.from([0xff, 0xd8, 0xff, 0xe0]), Buffer.from('JFIF a photograph')]);
const PNG = Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), Buffer.from('IHDR the damage')]);
const WEBP = Buffer.from('RIFF\0\0\0\0WEBPVP8 a scan');

/**
 * What every EvidenceStore adapter promises (the folder and the S3 bucket alike), run against a real
 * store. The callers rely on it: POST /evidence stores, a claim is filed only on files that read back
 * intact, and the download route answers 404 for `missing` and 409 `evidence-altered` for `altered`.
 */
export function evidenceStoreContract(name: string, open: () => Promise<EvidenceStoreUnderTest>): void {
  describe(`EvidenceStore contract: ${name}`, () => {
    let subject: EvidenceStoreUnderTest;
    let store: EvidenceStore;
    beforeEach(async () => {
      subject = await open();
      store = subject.store;
    });
    afterEach(() => subject.teardown());

    it('keeps each kind of file under the SHA-256 of its bytes and reads it back intact', async () => {
      const files = [
        [PDF, 'application/pdf'],
        [JPEG, 'image/jpeg'],
        [PNG, 'image/png'],
        [WEBP, 'image/webp'],
      ] as const;
      for (const [bytes, mediaType] of files) {
        expect(await store.put(bytes)).toEqual({ sha256: sha256Hex(bytes), size: bytes.length, mediaType });
      }
      for (const [bytes, mediaType] of files) expect(await store.read(sha256Hex(bytes))).toEqual({ status: 'intact', bytes, mediaType });
      expect(await subject.names()).toEqual(files.map(([bytes]) => sha256Hex(bytes)).sort());
    });

    it('stores the same bytes once however often they are stored', async () => {
      const first = await store.put(PDF);
      expect(await store.put(Buffer.from(PDF))).toEqual(first);
      expect(await store.put(new Uint8Array(PDF))).toEqual(first);
      expect(await subject.names()).toEqual([first.sha256]);
      expect(await store.read(first.sha256)).toEqual({ status: 'intact', bytes: PDF, mediaType: 'application/pdf' });
    });

    it('answers missing for a hash it does not hold, and for anything that is not a SHA-256', async () => {
      await store.put(PDF);
      expect(await store.read(sha256Hex(PNG))).toEqual({ status: 'missing' });
      for (const notAHash of ['', '0'.repeat(63), sha256Hex(PDF).toUpperCase(), `${sha256Hex(PDF)}/`, `../${sha256Hex(PDF)}`, '../../etc/passwd', `${'0'.repeat(62)}..`]) {
        expect(await store.read(notAHash)).toEqual({ status: 'missing' });
      }
    });

    it('finds bytes altered after they were stored: they no longer hash to their name, whatever they now are', async () => {
      const { sha256 } = await store.put(PNG);
      const flipped = Buffer.from(PNG);
      flipped[flipped.length - 1] ^= 0x01;
      await subject.overwrite(sha256, flipped);
      expect(await store.read(sha256)).toEqual({ status: 'altered', actualSha256: sha256Hex(flipped) });
      // Replaced by another valid file, by nothing, or by a file too large to be evidence: altered all the same.
      for (const replacement of [PDF, Buffer.alloc(0), Buffer.concat([PDF, Buffer.alloc(MAX_EVIDENCE_BYTES)])]) {
        await subject.overwrite(sha256, replacement);
        expect(await store.read(sha256)).toEqual({ status: 'altered', actualSha256: sha256Hex(replacement) });
      }
      // Storing the intact bytes again puts them back.
      expect(await store.put(PNG)).toEqual({ sha256, size: PNG.length, mediaType: 'image/png' });
      expect(await store.read(sha256)).toEqual({ status: 'intact', bytes: PNG, mediaType: 'image/png' });
      expect(await subject.names()).toEqual([sha256]);
    });

    it('takes files up to MAX_EVIDENCE_BYTES of the kinds evidence may be, and stores nothing else', async () => {
      const largest = Buffer.concat([PDF, Buffer.alloc(MAX_EVIDENCE_BYTES - PDF.length, 0x20)]);
      const stored = await store.put(largest);
      expect(stored).toEqual({ sha256: sha256Hex(largest), size: MAX_EVIDENCE_BYTES, mediaType: 'application/pdf' });
      const read = await store.read(stored.sha256);
      // Compared with Buffer.equals: Jest's deep equality takes a minute over 10 MiB.
      expect(read.status === 'intact' && read.mediaType === 'application/pdf' && read.bytes.equals(largest)).toBe(true);
      await expect(store.put(Buffer.concat([largest, Buffer.from(' ')]))).rejects.toThrow(`evidence must be at most ${MAX_EVIDENCE_BYTES} bytes`);
      await expect(store.put(Buffer.from('MZ an executable'))).rejects.toThrow('evidence must be one of application/pdf, image/jpeg, image/png, image/webp');
      await expect(store.put(Buffer.alloc(0))).rejects.toThrow('evidence must be one of');
      expect(await subject.names()).toEqual([stored.sha256]);
    });
  });
}
