export * from './merkle';
export * from './signed-note';
export * from './log';
export * from './receipt';
export * from './audit';
export * from './cosigning';
export * from './trail-map';
