/** The evidence store every process of an installation shares (an EvidenceStore): a folder, EVIDENCE_DIR. */
export const EVIDENCE_STORE = Symbol('EVIDENCE_STORE');
