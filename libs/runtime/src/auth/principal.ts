export const ROLES = ['donor', 'insurer', 'government', 'auditor', 'admin'] as const;
export type Role = (typeof ROLES)[number];

/** The authenticated user, as carried in the JWT and attached to each request. */
export interface Principal {
  userId: string;
  username: string;
  role: Role;
  displayName: string;
  /** For insurers: the insurer they act for. */
  insurerId?: string;
  /** For governments: the administrative region they are responsible for. */
  regionCode?: string;
}
