/** The evidence store every process of an installation shares (an EvidenceStore): the folder EVIDENCE_DIR, or an S3 bucket (EVIDENCE_STORE=s3). */
export const EVIDENCE_STORE = Symbol('EVIDENCE_STORE');
