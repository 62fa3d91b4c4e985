export * from './events';
export * from './commands';
export * from './decider';
export * from './national-id';
export * from './sealed-personal-data';
export * from './national-id-reservation.decider';
export * from './household-code';
