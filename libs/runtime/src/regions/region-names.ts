import { readFileSync } from 'node:fs';

/**
 * Names of administrative divisions, read from a code table in the form the statistics bureau
 * publishes (统计用区划代码): one division per line, `code,name` or `code,urban-rural class,name`
 * (commas or tabs), codes of 12 digits with the levels below the division written as zeros
 * (440305000000 is the district 440305); the 6-digit GB/T 2260 table (440300 = 4403) works too.
 * Pangolin writes a division's code at its own length (2, 4, 6, 9 or 12 digits), so codes are
 * shortened to that: 440305001000 -> 440305001. A first line that is not a code is a header.
 */
export class RegionNames {
  private constructor(private readonly names: ReadonlyMap<string, string>) {}

  static empty(): RegionNames {
    return new RegionNames(new Map());
  }

  /** Parses a code table; a malformed line is refused with its line number, so a bad file fails the start, not a page. */
  static parse(text: string, source: string): RegionNames {
    const names = new Map<string, string>();
    const lines = text.replace(/^\uFEFF/, '').split(/\r?\n/);
    lines.forEach((line, index) => {
      if (line.trim() === '') return;
      const fields = line.split(/[,\t]/).map((field) => field.trim());
      if (index === 0 && !/^\d+$/.test(fields[0])) return;
      const where = `${source} line ${index + 1}`;
      if (fields.length < 2 || fields.length > 3) throw new Error(`${where}: expected "code,name" or "code,class,name", found ${fields.length} fields`);
      const code = divisionCode(fields[0]);
      if (!code) throw new Error(`${where}: "${fields[0].slice(0, 20)}" is not a division code of 6 or 12 digits, or of 2, 4 or 9`);
      const name = fields[fields.length - 1];
      if (name.length === 0 || name.length > 100 || !name.isWellFormed() || /[\u0000-\u001f\u007f]/.test(name)) throw new Error(`${where}: the name must be 1-100 characters of well-formed text`);
      names.set(code, name);
    });
    return new RegionNames(names);
  }

  static fromFile(path: string): RegionNames {
    let text: string;
    try {
      text = readFileSync(path, 'utf8');
    } catch (error) {
      throw new Error(`cannot read the region names file ${path} (REGION_NAMES_FILE): ${error instanceof Error ? error.message : error}`);
    }
    return RegionNames.parse(text, path);
  }

  get size(): number {
    return this.names.size;
  }

  /** The names of those of `codes` the table knows. */
  namesOf(codes: readonly string[]): Record<string, string> {
    const known: Record<string, string> = {};
    for (const code of codes) {
      const name = this.names.get(code);
      if (name !== undefined) known[code] = name;
    }
    return known;
  }
}

/** The code at its own level's length: 12 or 6 digits with trailing zero levels shortened; 2, 4 and 9 digits as they are. */
function divisionCode(raw: string): string | undefined {
  if (/^(\d{2}|\d{4}|\d{9})$/.test(raw)) return raw;
  if (/^\d{6}$/.test(raw)) return shortened(raw, [2, 4, 6]);
  if (/^\d{12}$/.test(raw)) return shortened(raw, [2, 4, 6, 9, 12]);
  return undefined;
}

/** The shortest of `lengths` whose rest of `code` is all zeros. */
function shortened(code: string, lengths: number[]): string {
  for (const length of lengths) if (/^0*$/.test(code.slice(length))) return code.slice(0, length);
  return code;
}
