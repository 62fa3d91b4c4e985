/** Injection tokens for the ports the application depends on. */
export const EVENT_STORE = Symbol('EVENT_STORE');
export const READ_DB = Symbol('READ_DB');
/** The Clock (libs/application) every time-dependent rule reads: the system clock unless createPangolin is given another. */
export const CLOCK = Symbol('CLOCK');
