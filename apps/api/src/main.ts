import 'reflect-metadata';
import { Logger } from '@nestjs/common';
import { ConfigurationError, limitHeapGrowth, loadConfiguration } from '@pangolin/runtime';
import { createPangolin, listen } from './bootstrap';

async function main() {
  const config = loadConfiguration();
  limitHeapGrowth(config.heapGrowthPercent);
  const app = await createPangolin(config);
  await listen(app, config);
}

main().catch((error) => {
  Logger.error(error instanceof ConfigurationError ? `Configuration error: ${error.message}` : error instanceof Error ? error.stack : String(error), 'Pangolin');
  process.exit(1);
});
