#!/usr/bin/env node
'use strict';
// Entry point of `npx pangolin-verify`: runs the offline verifier compiled from apps/verifier.
const { existsSync } = require('node:fs');
const { join } = require('node:path');

const entry = join(__dirname, '..', 'dist', 'apps', 'verifier', 'src', 'main.js');
if (!existsSync(entry)) {
  process.stderr.write('pangolin-verify is not built yet: run `npm run build` first (in the Pangolin repository).\n');
  process.exit(2);
}
process.exitCode = require(entry).runCli(process.argv.slice(2));
