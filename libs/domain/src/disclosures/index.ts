export * from './period';
export * from './figures';
export * from './events';
export * from './decider';
