/** Injection tokens for the ports the application depends on. */
export const EVENT_STORE = Symbol('EVENT_STORE');
/** The views database: rebuilt from the log, may be deleted. */
export const READ_DB = Symbol('READ_DB');
/** The records store: what the log cannot rebuild (see @pangolin/records). */
export const RECORDS_DB = Symbol('RECORDS_DB');
/** The Clock (libs/application) every time-dependent rule reads: the system clock unless createPangolin is given another. */
export const CLOCK = Symbol('CLOCK');
