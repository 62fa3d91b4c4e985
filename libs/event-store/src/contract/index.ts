// Test-only entry: adapters' specs import the shared contract suite and test helpers from here.
export { eventStoreContract } from './event-store.contract';
export { newEvent, newStreamId } from './test-events';
export { closeAfterEach } from './test-stores';
