#!/usr/bin/env node
'use strict';
// Entry point of `npx pangolin-witness`: runs the witness compiled from libs/witness.
const { existsSync } = require('node:fs');
const { join } = require('node:path');

const entry = join(__dirname, '..', 'dist', 'libs', 'witness', 'src', 'cli.js');
if (!existsSync(entry)) {
  process.stderr.write('pangolin-witness is not built yet: run `npm run build` first (in the Pangolin repository).\n');
  process.exit(2);
}
require(entry)
  .main(process.argv.slice(2))
  .then((code) => {
    process.exitCode = code;
  });
