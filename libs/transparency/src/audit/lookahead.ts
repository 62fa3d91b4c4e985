/** An async sequence read one item at a time, with any number of items peeked ahead (kept until read). */
export class Lookahead<T> {
  private readonly iterator: AsyncIterator<T>;
  private readonly buffer: T[] = [];
  private exhausted = false;

  constructor(source: AsyncIterable<T>) {
    this.iterator = source[Symbol.asyncIterator]();
  }

  /** The item `offset` places ahead (0: the next one), or undefined past the end. */
  async peek(offset = 0): Promise<T | undefined> {
    while (this.buffer.length <= offset && !this.exhausted) {
      const result = await this.iterator.next();
      if (result.done) this.exhausted = true;
      else this.buffer.push(result.value);
    }
    return this.buffer[offset];
  }

  /** Reads the next item, or undefined at the end. */
  async next(): Promise<T | undefined> {
    const item = await this.peek();
    if (item !== undefined) this.buffer.shift();
    return item;
  }
}
