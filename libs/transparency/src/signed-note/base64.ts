const STANDARD_BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;

/**
 * Decodes standard base64 (RFC 4648 §4, padded) or returns undefined.
 * Buffer.from(…, 'base64') silently skips invalid characters and accepts base64url, so the shape is
 * checked first; re-encoding refuses non-zero padding bits, giving every byte string one spelling.
 */
export function decodeStandardBase64(text: string): Uint8Array | undefined {
  if (!STANDARD_BASE64.test(text)) return undefined;
  const bytes = Buffer.from(text, 'base64');
  return bytes.toString('base64') === text ? new Uint8Array(bytes) : undefined;
}

export function encodeStandardBase64(bytes: Uint8Array): string {
  return Buffer.from(bytes).toString('base64');
}
