export * from './command-executor';
export * from './process-managers/process-manager';
export * from './process-managers/premium-allocation.process';
