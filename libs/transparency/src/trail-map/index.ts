export * from './trail-membership';
export * from './trail-map';
