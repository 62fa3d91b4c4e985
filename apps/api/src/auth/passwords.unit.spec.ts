import { randomBytes, scryptSync } from 'node:crypto';
import { hashPassword, verifyPassword } from './passwords';

describe('password hashes', () => {
  it('record their cost, so a hash verifies whatever the cost of later ones', async () => {
    const cheap = await hashPassword('correct horse', 10);
    const dear = await hashPassword('correct horse', 15);
    expect(cheap).toMatch(/^scrypt\$ln=10,r=8,p=1\$[0-9a-f]{32}\$[0-9a-f]{64}$/);
    expect(dear).toMatch(/^scrypt\$ln=15,r=8,p=1\$/);
    for (const stored of [cheap, dear]) {
      expect(await verifyPassword('correct horse', stored)).toBe(true);
      expect(await verifyPassword('correct horse!', stored)).toBe(false);
    }
    // Two hashes of one password differ (each has its own salt).
    expect(await hashPassword('correct horse', 10)).not.toBe(cheap);
  });

  it('written before the cost was recorded in them (scrypt$<salt>$<hash>, N = 16384) still verify', async () => {
    const salt = randomBytes(16);
    const unmarked = `scrypt$${salt.toString('hex')}$${scryptSync('pangolin-demo', salt, 32).toString('hex')}`;
    expect(await verifyPassword('pangolin-demo', unmarked)).toBe(true);
    expect(await verifyPassword('pangolin-demo2', unmarked)).toBe(false);
  });

  it('that this code cannot read verify nothing (another scheme, parameters or cost, bad hex)', async () => {
    const good = await hashPassword('x', 10);
    const [, , salt, hash] = good.split('$');
    for (const stored of ['', 'bcrypt$2b$10$abc', `scrypt$ln=10,r=16,p=1$${salt}$${hash}`, `scrypt$ln=9,r=8,p=1$${salt}$${hash}`, `scrypt$ln=21,r=8,p=1$${salt}$${hash}`, `scrypt$ln=10,r=8,p=1$${salt}$${hash}z`, `scrypt$ln=10,r=8,p=1$$${hash}`, `scrypt$ln=10,r=8,p=1$${salt}$${hash}$x`]) {
      expect([stored, await verifyPassword('x', stored)]).toEqual([stored, false]);
    }
  });
});
