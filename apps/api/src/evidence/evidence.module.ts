import { Module } from '@nestjs/common';
import { FolderEvidenceStore } from '@pangolin/application';
import { PANGOLIN_CONFIG, type PangolinConfig } from '@pangolin/runtime';
import { EvidenceController } from './evidence.controller';
import { EVIDENCE_STORE } from './evidence-store.token';


@Module({
  controllers: [EvidenceController],
  providers: [{ provide: EVIDENCE_STORE, inject: [PANGOLIN_CONFIG], useFactory: (config: PangolinConfig) => new FolderEvidenceStore(config.evidenceDir) }],
  exports: [EVIDENCE_STORE],
})
export class EvidenceModule {}
