export * from './period';
export * from './report';
export * from './figures';
export * from './events';
export * from './decider';
