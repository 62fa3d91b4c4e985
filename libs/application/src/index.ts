export * from './clock';
export * from './command-executor';
export * from './process-managers/process-manager';
export * from './process-managers/premium-allocation.process';
export * from './transparency/gift-trace-events';
export * from './personal-data/sealing-event-store';
export * from './disasters/disaster-payout.process';
export * from './disasters/product-terms';
