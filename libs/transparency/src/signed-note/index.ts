export * from './signed-note';
export * from './checkpoint';
export { decodeStandardBase64, encodeStandardBase64 } from './base64';
