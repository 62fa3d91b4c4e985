// Lets `npm start` and `npm test` work on a fresh clone: installs dependencies once if missing.
const { existsSync } = require('node:fs');
const { execSync } = require('node:child_process');
const { join } = require('node:path');

const root = join(__dirname, '..');
if (!existsSync(join(root, 'node_modules', '.package-lock.json'))) {
  console.log('Installing dependencies (first run; better-sqlite3 compiles from source, about a minute)...');
  execSync('npm install --no-audit --no-fund', { cwd: root, stdio: 'inherit' });
}
