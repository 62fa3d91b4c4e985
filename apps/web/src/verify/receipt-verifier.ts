/**
 * What the verification page loads (a chunk of its own, only when the page is opened): the same
 * verifyReceipt and describeTrail `pangolin-verify` runs, with node:crypto served by ./node-crypto.
 */
import './buffer-global';
export { describeTrail, verifyReceipt } from '@pangolin/transparency';
