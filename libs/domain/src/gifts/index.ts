export * from './events';
export * from './commands';
export * from './gift.decider';
export * from './programme-allocation';
export * from './payment-reference.decider';
