import type { Role } from '@pangolin/records';

export { ROLES, type Role } from '@pangolin/records';

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
