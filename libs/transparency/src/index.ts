export * from './merkle';
export * from './signed-note';
