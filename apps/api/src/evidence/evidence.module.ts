import { Inject, Module, type OnApplicationShutdown } from '@nestjs/common';
import { FolderEvidenceStore, openS3EvidenceStore, type EvidenceStore } from '@pangolin/application';
import { PANGOLIN_CONFIG, type PangolinConfig } from '@pangolin/runtime';
import { EvidenceController } from './evidence.controller';
import { EVIDENCE_STORE } from './evidence-store.token';

/** The evidence store EVIDENCE_STORE chooses: the folder EVIDENCE_DIR, or a bucket on an S3-compatible server. */
export async function openEvidenceStore(config: PangolinConfig['evidenceStore']): Promise<EvidenceStore> {
  if (config.kind === 'folder') return new FolderEvidenceStore(config.dir);
  const { kind: _kind, ...options } = config;
  return openS3EvidenceStore(options);
}

@Module({
  controllers: [EvidenceController],
  providers: [{ provide: EVIDENCE_STORE, inject: [PANGOLIN_CONFIG], useFactory: (config: PangolinConfig) => openEvidenceStore(config.evidenceStore) }],
  exports: [EVIDENCE_STORE],
})
export class EvidenceModule implements OnApplicationShutdown {
  constructor(@Inject(EVIDENCE_STORE) private readonly store: EvidenceStore) {}

  onApplicationShutdown() {
    this.store.close?.();
  }
}
