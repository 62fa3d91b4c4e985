import { pageUrl } from './router';

/** Where the API serves a gift's receipt (to its donor, auditors and admins). */
export function receiptPath(giftId: string): string {
  return `/gifts/${encodeURIComponent(giftId)}/receipt`;
}

/** The receipt at `path` fetched with the session's token, as the text of its file. */
export async function fetchReceiptText(get: <T>(path: string) => Promise<T>, path: string): Promise<string> {
  return JSON.stringify(await get<unknown>(path), null, 2);
}

/** The log's public key as the platform publishes it ('' if it cannot be had). */
export async function fetchVerifierKey(): Promise<string> {
  const response = await fetch('/transparency/verifier-key');
  return response.ok ? (await response.text()).trim() : '';
}

/** The verification page's address that loads `giftId`'s receipt (what a certificate's QR code holds). */
export function verifyLinkOf(giftId: string): string {
  return pageUrl(`verify?gift=${encodeURIComponent(giftId)}`);
}
