export * from './cosignature';
export * from './witness-policy';
