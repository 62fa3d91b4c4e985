// The adapter kit: what every event store adapter does the same way (see docs/architecture.md, "A store").
export * from './append-rules';
export * from './capabilities';
export * from './pending-append';
export * from './serialization';
export * from './store-subscriptions';
