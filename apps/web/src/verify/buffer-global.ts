// The transparency library uses Node's Buffer as a global: the browser gets the `buffer` package's, before the library loads.
import { Buffer } from 'buffer';

// Node's Buffer#equals takes any Uint8Array; the package's takes only its Buffers.
const equals = Buffer.prototype.equals;
Buffer.prototype.equals = function (this: Buffer, other: Uint8Array): boolean {
  return equals.call(this, Buffer.isBuffer(other) ? other : Buffer.from(other.buffer, other.byteOffset, other.byteLength));
};

(globalThis as { Buffer?: typeof Buffer }).Buffer ??= Buffer;
