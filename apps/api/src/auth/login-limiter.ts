import { HttpException, HttpStatus, Inject, Injectable } from '@nestjs/common';
import { LoginLimits, PANGOLIN_CONFIG, PangolinConfig } from '@pangolin/runtime';

/** Failed logins counted for one key (an account or an address) since the window opened. */
interface Window {
  failures: number;
  /** Attempts checked but not yet decided: counted, so a burst of parallel guesses cannot slip through together. */
  pending: number;
  resetsAt: number;
}

/** One login attempt: say how it ended. */
export interface LoginAttempt {
  /** The password was wrong or the username unknown: counts against the account and the address. */
  failed(): void;
  /** Ended otherwise (signed in, or an error that was no guess): counts nothing. */
  finished(): void;
}

/**
 * Limits password guessing, per account and per client address: after `maxFailuresPerAccount`
 * failed logins for one username (or `maxFailuresPerAddress` from one address, whatever the
 * usernames) within the window, every further login for that key, even with the right password,
 * answers 429 with Retry-After until the window, counted from the key's first failure, has passed.
 *
 * A success does not clear the account's failures: otherwise an attacker who also knows one
 * password could reset the counter. Counters live in this process's memory (each API process
 * limits on its own; a restart forgets them), which needs no shared store for a check that must
 * cost less than the scrypt it protects.
 */
@Injectable()
export class LoginLimiter {
  private readonly windows = new Map<string, Window>();
  private readonly limits: LoginLimits;
  private nextSweep = 0;

  constructor(@Inject(PANGOLIN_CONFIG) config: PangolinConfig) {
    this.limits = config.login;
  }

  /** Refuses with 429 if the account or the address has used up its failures; else counts the attempt as pending. */
  begin(username: string, address: string): LoginAttempt {
    const now = Date.now();
    this.forgetExpired(now);
    const keys = [
      { key: `account:${username}`, limit: this.limits.maxFailuresPerAccount, name: `failed logins for account "${username}"`, variable: 'LOGIN_MAX_FAILURES_PER_ACCOUNT' },
      { key: `address:${address}`, limit: this.limits.maxFailuresPerAddress, name: `failed logins from address ${address}`, variable: 'LOGIN_MAX_FAILURES_PER_ADDRESS' },
    ];
    const windows = keys.map(({ key }) => this.windowOf(key, now));
    keys.forEach(({ limit, name, variable }, index) => {
      const window = windows[index];
      if (window.failures + window.pending >= limit) throw new TooManyFailedLogins(name, limit, variable, this.limits.windowSeconds, Math.ceil((window.resetsAt - now) / 1000));
    });
    for (const window of windows) window.pending++;
    let decided = false;
    const decide = (failed: boolean) => {
      if (decided) return;
      decided = true;
      for (const window of windows) {
        window.pending--;
        if (failed) window.failures++;
      }
    };
    return { failed: () => decide(true), finished: () => decide(false) };
  }

  private windowOf(key: string, now: number): Window {
    const window = this.windows.get(key);
    if (window && window.resetsAt > now) return window;
    const fresh = { failures: 0, pending: window?.pending ?? 0, resetsAt: now + this.limits.windowSeconds * 1000 };
    this.windows.set(key, fresh);
    return fresh;
  }

  /** Now and then drops the windows that have passed, so memory holds only the keys of one window. */
  private forgetExpired(now: number): void {
    if (now < this.nextSweep) return;
    this.nextSweep = now + 10_000;
    for (const [key, window] of this.windows) if (window.resetsAt <= now && window.pending === 0) this.windows.delete(key);
  }
}

/** 429 naming the limit (and its variable); `retryAfterSeconds` goes into the Retry-After header. */
export class TooManyFailedLogins extends HttpException {
  readonly retryAfterSeconds: number;

  constructor(name: string, limit: number, variable: string, windowSeconds: number, secondsLeft: number) {
    const retryAfterSeconds = Math.max(1, secondsLeft);
    super(
      {
        statusCode: HttpStatus.TOO_MANY_REQUESTS,
        error: 'Too Many Requests',
        message: `too many ${name}: at most ${limit} in ${windowSeconds} s (${variable}); try again in ${retryAfterSeconds} s`,
        limit: variable,
      },
      HttpStatus.TOO_MANY_REQUESTS,
    );
    this.retryAfterSeconds = retryAfterSeconds;
  }
}
