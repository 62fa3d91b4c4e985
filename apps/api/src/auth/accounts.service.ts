import { Inject, Injectable } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { DataSource } from 'typeorm';
import { Conflict, deterministicId } from '@pangolin/domain';
import { writeLockOf } from '@pangolin/read-models';
import { READ_DB } from '../infrastructure/tokens';
import { hashPassword, verifyPassword } from './passwords';
import { Principal, Role } from './principal';
import { UserAccount } from './user-account.entity';

export interface NewAccount {
  userId?: string;
  username: string;
  password: string;
  displayName: string;
  role: Role;
  insurerId?: string;
  regionCode?: string;
}

/** The password every seeded demo account shares; shown on the sign-in page in embedded demo mode only. */
export const DEMO_PASSWORD = 'pangolin-demo';

@Injectable()
export class AccountsService {
  private readonly demo: Principal[] = [];

  constructor(@Inject(READ_DB) private readonly db: DataSource) {}

  async create(account: NewAccount): Promise<Principal> {
    const repository = this.db.getRepository(UserAccount);
    if (await repository.existsBy({ username: account.username })) throw new Conflict(`username ${account.username} is taken`);
    const row = repository.create({
      userId: account.userId ?? randomUUID(),
      username: account.username,
      displayName: account.displayName,
      role: account.role,
      insurerId: account.insurerId ?? null,
      regionCode: account.regionCode ?? null,
      passwordHash: hashPassword(account.password),
    });
    await writeLockOf(this.db).run(() => repository.save(row));
    return toPrincipal(row);
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
    const principal = existing ? toPrincipal(existing) : await this.create({ userId: deterministicId('demo', 'user', account.username), ...account, password: DEMO_PASSWORD });
    this.demo.push(principal);
    return principal;
  }

  demoAccounts() {
    return { password: this.demo.length ? DEMO_PASSWORD : null, accounts: this.demo.map(({ username, role, displayName, regionCode, insurerId }) => ({ username, role, displayName, regionCode, insurerId })) };
  }

  async authenticate(username: string, password: string): Promise<Principal | undefined> {
    const row = await this.db.getRepository(UserAccount).findOneBy({ username });
    return row && verifyPassword(password, row.passwordHash) ? toPrincipal(row) : undefined;
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
