export * from './merkle';
export * from './signed-note';
export * from './log';
