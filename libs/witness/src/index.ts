export * from './add-checkpoint-request';
export * from './state-file';
export * from './witness';
export * from './server';
export * from './client';
