export * from './events';
export * from './commands';
export * from './premium-funding.decider';
export * from './policy.decider';
export * from './policy-number.decider';
