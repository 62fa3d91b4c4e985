/**
 * What the verification page and the gift certificate load (a chunk of its own, only when one of them
 * is opened): the same verifyReceipt and describeTrail `pangolin-verify` runs, and the household
 * codes it shows, with node:crypto served by ./node-crypto.
 */
import './buffer-global';
export { describeTrail, householdCodeOf, verifyReceipt } from '@pangolin/transparency';
export type { Trail, TrailStep } from '@pangolin/transparency';
