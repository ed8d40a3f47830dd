import { randomBytes, scrypt, timingSafeEqual, type ScryptOptions } from 'node:crypto';

/** scrypt cost. Production: N=2^17, r=8 (OWASP's recommendation; ~0.5 s a hash on these machines). */
export interface HashCost {
  logN: number;
  r: number;
  p: number;
}

export const PRODUCTION_COST: HashCost = { logN: 17, r: 8, p: 1 };

function derive(password: string, salt: Buffer, cost: HashCost): Promise<Buffer> {
  const N = 2 ** cost.logN;
  // scrypt needs 128·N·r bytes; Node's default cap (32 MiB) is too small for N=2^17.
  const options: ScryptOptions = { N, r: cost.r, p: cost.p, maxmem: 256 * N * cost.r };
  return new Promise((resolve, reject) =>
    scrypt(password.normalize('NFKC'), salt, 32, options, (err, key) => (err ? reject(err) : resolve(key))),
  );
}

export interface PasswordHasher {
  hash(password: string): Promise<string>;
  /** Verifies against the cost stored in the hash, so hashes made at another cost still verify. */
  verify(password: string, stored: string): Promise<boolean>;
  /** Costs the same time as a real verify: used when the account does not exist. */
  dummyVerify(password: string): Promise<void>;
}

export function createPasswordHasher(cost: HashCost = PRODUCTION_COST): PasswordHasher {
  const hash = async (password: string) => {
    const salt = randomBytes(16);
    const key = await derive(password, salt, cost);
    return `scrypt$${cost.logN}$${cost.r}$${cost.p}$${salt.toString('base64url')}$${key.toString('base64url')}`;
  };
  const verify = async (password: string, stored: string) => {
    const [alg, logN, r, p, salt, key] = stored.split('$');
    if (alg !== 'scrypt' || !salt || !key) return false;
    const expected = Buffer.from(key, 'base64url');
    const actual = await derive(password, Buffer.from(salt, 'base64url'), { logN: Number(logN), r: Number(r), p: Number(p) });
    return actual.length === expected.length && timingSafeEqual(actual, expected);
  };
  let dummy: Promise<string> | undefined;
  return {
    hash,
    verify,
    async dummyVerify(password) {
      dummy ??= hash('not the password of anyone');
      await verify(password, await dummy);
    },
  };
}
