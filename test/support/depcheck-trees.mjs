// Runs `npm run depcheck`'s command (dependency-cruiser's own CLI entry, with the repository's
// .dependency-cruiser.cjs and its `err` report) over `apps` and `libs` of each tree named on the
// command line, one after another in this one process (a Node start and a load of
// dependency-cruiser per tree cost about a second each). Prints one JSON array: each tree's exit
// status and report.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const { default: dependencyCruiser } = await import(join(root, 'node_modules', 'dependency-cruiser', 'src', 'cli', 'index.mjs'));
const reports = mkdtempSync(join(tmpdir(), 'pangolin-depcheck-reports-'));
const results = [];
try {
  for (const [index, tree] of process.argv.slice(2).entries()) {
    process.chdir(tree);
    const report = join(reports, `${index}.txt`);
    const status = await dependencyCruiser(['apps', 'libs'], { config: join(root, '.dependency-cruiser.cjs'), outputType: 'err', outputTo: report });
    results.push({ tree, status, report: readFileSync(report, 'utf8') });
  }
} finally {
  rmSync(reports, { recursive: true, force: true });
}
process.stdout.write(JSON.stringify(results));
