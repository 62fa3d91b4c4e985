// Test-only entry: adapters' integration specs import the shared contract suite from here.
export { eventStoreContract } from './event-store.contract';
