export * from './rfc6962';
export * from './subtree-hash-store';
export * from './in-memory-subtree-hash-store';
export * from './merkle-tree';
export * from './verify';
