import { Module } from '@nestjs/common';
import { PANGOLIN_CONFIG, RegionNames, type PangolinConfig } from '@pangolin/runtime';
import { DEMO_REGION_NAMES } from '../demo/region-names';
import { RegionsController } from './regions.controller';

/** Region names: the operator's code table (REGION_NAMES_FILE), else the demo's when it is seeded, else none. */
@Module({
  controllers: [RegionsController],
  providers: [
    {
      provide: RegionNames,
      inject: [PANGOLIN_CONFIG],
      useFactory: (config: PangolinConfig) =>
        config.regionNames ?? (config.seedDemo ? RegionNames.parse(DEMO_REGION_NAMES, 'the demo code table') : RegionNames.empty()),
    },
  ],
})
export class RegionsModule {}
