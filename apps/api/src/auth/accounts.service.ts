import { Inject, Injectable, OnApplicationBootstrap } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { DataSource, QueryFailedError } from 'typeorm';
import { Conflict, deterministicId } from '@pangolin/domain';
import { writeLockOf } from '@pangolin/read-models';
import { UserAccount } from '@pangolin/records';
import { ConfigurationError, DEMO_PASSWORD, PANGOLIN_CONFIG, PangolinConfig, Principal, RECORDS_DB, Role } from '@pangolin/runtime';
import { EarlierCreation } from '../http/idempotency';
import { IdempotentCreation } from '../http/request-context';
import { hashPassword, verifyPassword } from './passwords';

export interface NewAccount {
  userId?: string;
  username: string;
  password: string;
  displayName: string;
  role: Role;
  insurerId?: string;
  regionCode?: string;
  /** Fingerprint of the Idempotency-Key request that creates the account (userId derives from the key). */
  creationFingerprint?: string;
}

@Injectable()
export class AccountsService implements OnApplicationBootstrap {
  private readonly demo: Principal[] = [];

  constructor(@Inject(RECORDS_DB) private readonly db: DataSource, @Inject(PANGOLIN_CONFIG) private readonly config: PangolinConfig) {}

  /** A hash of a random password at the configured cost, checked when a username is unknown. */
  private unknownUsersHashing: Promise<string> | undefined;
  private unknownUsersHash(): Promise<string> {
    return (this.unknownUsersHashing ??= hashPassword(randomUUID(), this.config.passwordHashCost));
  }

  /**
   * A server must not start with demo logins whose password is published (seeded under an older
   * default, or copied from a demo installation by move-to-server-stores) unless it is declared
   * a demonstration. Demo logins are recognised by their ids, which derive from their usernames.
   */
  async onApplicationBootstrap(): Promise<void> {
    if (this.config.demoPasswordAllowed) return;
    const logins = await this.db.getRepository(UserAccount).find({ select: { userId: true, username: true, passwordHash: true } });
    const demoLogins = logins.filter((row) => row.userId === demoUserId(row.username));
    const exposed: string[] = [];
    for (const row of demoLogins) if (await verifyPassword(DEMO_PASSWORD, row.passwordHash)) exposed.push(row.username);
    if (exposed.length) {
      throw new ConfigurationError(
        `the demo logins ${exposed.join(', ')} have the published password "${DEMO_PASSWORD}" and this server uses a server store: ` +
          'delete them from user_accounts, or set ALLOW_DEMO_IN_SERVER_MODE=true if this server is only a demonstration',
      );
    }
  }

  async create(account: NewAccount): Promise<Principal> {
    const repository = this.db.getRepository(UserAccount);
    const taken = new Conflict(`username ${account.username} is taken`, 'account.username-taken', { username: account.username });
    if (await repository.existsBy({ username: account.username })) throw taken;
    const row = repository.create({
      userId: account.userId ?? randomUUID(),
      username: account.username,
      displayName: account.displayName,
      role: account.role,
      insurerId: account.insurerId ?? null,
      regionCode: account.regionCode ?? null,
      passwordHash: await hashPassword(account.password, this.config.passwordHashCost),
      creationFingerprint: account.creationFingerprint ?? null,
    });
    try {
      // insert, never save: save would update an account that a concurrent request has just created.
      await writeLockOf(this.db).run(() => repository.insert(row));
    } catch (error) {
      // Another request created this username (or this idempotent userId) since the check above.
      if (isUniqueViolation(error)) throw taken;
      throw error;
    }
    return toPrincipal(row);
  }

  /** The account an earlier POST /users with this Idempotency-Key created, if any; the password is compared with its hash. */
  async createdBy(creation: IdempotentCreation, password: unknown): Promise<EarlierCreation | undefined> {
    const row = await this.db.getRepository(UserAccount).findOneBy({ userId: creation.createdId });
    if (!row) return undefined;
    const sameRequest = row.creationFingerprint === creation.fingerprint && typeof password === 'string' && (await verifyPassword(password, row.passwordHash));
    return { sameRequest, answer: toPrincipal(row) };
  }

  /** Creates the configured administrator on first start; leaves an existing one as it is. */
  async ensureAdmin(username: string, password: string): Promise<void> {
    if (!(await this.db.getRepository(UserAccount).existsBy({ username }))) await this.create({ username, password, displayName: 'Administrator', role: 'admin' });
  }

  /**
   * Creates the account unless its username exists; remembers it as a demo account either way.
   * Its id derives from the username: the demo's events name these users, and an account recreated
   * after the read database was lost must still be the donor of the gifts its earlier self gave.
   */
  async ensureDemoAccount(account: Omit<NewAccount, 'password'>): Promise<Principal> {
    const existing = await this.db.getRepository(UserAccount).findOneBy({ username: account.username });
    const principal = existing ? toPrincipal(existing) : await this.create({ userId: demoUserId(account.username), ...account, password: DEMO_PASSWORD });
    this.demo.push(principal);
    return principal;
  }

  /** The seeded demo logins and their shared password; undefined when no demo data was seeded. */
  demoAccounts() {
    if (!this.demo.length) return undefined;
    return { password: DEMO_PASSWORD, accounts: this.demo.map(({ username, role, displayName, regionCode, insurerId }) => ({ username, role, displayName, regionCode, insurerId })) };
  }

  async authenticate(username: string, password: string): Promise<Principal | undefined> {
    const row = await this.db.getRepository(UserAccount).findOneBy({ username });
    // An unknown username costs a hash too, so that the answer's time does not tell which usernames exist.
    const matches = await verifyPassword(password, row?.passwordHash ?? (await this.unknownUsersHash()));
    return row && matches ? toPrincipal(row) : undefined;
  }
}

function toPrincipal(row: UserAccount): Principal {
  return {
    userId: row.userId,
    username: row.username,
    role: row.role,
    displayName: row.displayName,
    ...(row.insurerId ? { insurerId: row.insurerId } : {}),
    ...(row.regionCode ? { regionCode: row.regionCode } : {}),
  };
}

/** A unique or primary key constraint refused the row: PostgreSQL SQLSTATE 23505, or SQLite's constraint codes. */
function isUniqueViolation(error: unknown): boolean {
  if (!(error instanceof QueryFailedError)) return false;
  const code = (error.driverError as { code?: string } | undefined)?.code;
  return code === '23505' || code === 'SQLITE_CONSTRAINT_UNIQUE' || code === 'SQLITE_CONSTRAINT_PRIMARYKEY';
}

function demoUserId(username: string): string {
  return deterministicId('demo', 'user', username);
}
