/** What a login may do; each route names the roles it admits. */
export const ROLES = ['donor', 'insurer', 'government', 'auditor', 'admin'] as const;
export type Role = (typeof ROLES)[number];
