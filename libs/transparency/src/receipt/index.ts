export * from './receipt';
export * from './trail';
export * from './verify-receipt';
export * from './consistency';
export { StrictJsonError } from './strict-json';
export * from './promise';
export * from './household-code';
