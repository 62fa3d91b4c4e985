export * from './postings';
export * from './balances';
