export * from './events';
export * from './commands';
export * from './claims.decider';
export * from './evidence';
