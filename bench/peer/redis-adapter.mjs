// The peer's durable configuration: an oidc-provider adapter over Redis (ioredis), shaped like the
// Redis adapter in oidc-provider's own example folder (one key per model and id with its TTL, a list
// per grant so revocation by grant finds every artefact, index keys for uid and user code, and a hash
// for the consumable models so `consume` marks the stored payload). Written for the bench, not copied.
import Redis from 'ioredis';

/** Models consumed once (a `consumed` field is set on use): stored as a hash with the payload. */
const CONSUMABLE = new Set([
  'AuthorizationCode',
  'RefreshToken',
  'DeviceCode',
  'BackchannelAuthenticationRequest',
]);

const grantKey = (grantId) => `grant:${grantId}`;
const userCodeKey = (userCode) => `userCode:${userCode}`;
const uidKey = (uid) => `uid:${uid}`;

/** Returns the adapter class oidc-provider instantiates once per model (`new Adapter(name)`). */
export function redisAdapter(url) {
  const client = new Redis(url, { keyPrefix: 'oidc:', enableAutoPipelining: true });

  class RedisAdapter {
    constructor(name) {
      this.name = name;
    }

    key(id) {
      return `${this.name}:${id}`;
    }

    async upsert(id, payload, expiresIn) {
      const key = this.key(id);
      const multi = client.multi();
      if (CONSUMABLE.has(this.name)) multi.hset(key, { payload: JSON.stringify(payload) });
      else multi.set(key, JSON.stringify(payload));
      if (expiresIn) multi.expire(key, expiresIn);
      if (payload.grantId) {
        // The grant's list lives as long as its longest-lived member.
        const grant = grantKey(payload.grantId);
        multi.rpush(grant, key);
        const ttl = await client.ttl(grant);
        if (expiresIn > ttl) multi.expire(grant, expiresIn);
      }
      if (payload.userCode) {
        multi.set(userCodeKey(payload.userCode), id);
        if (expiresIn) multi.expire(userCodeKey(payload.userCode), expiresIn);
      }
      if (payload.uid) {
        multi.set(uidKey(payload.uid), id);
        if (expiresIn) multi.expire(uidKey(payload.uid), expiresIn);
      }
      await multi.exec();
    }

    async find(id) {
      const key = this.key(id);
      if (CONSUMABLE.has(this.name)) {
        const { payload, ...rest } = await client.hgetall(key);
        if (payload === undefined) return undefined;
        // `consumed` is stored beside the payload as a string of seconds.
        return { ...JSON.parse(payload), ...(rest.consumed ? { consumed: Number(rest.consumed) } : {}) };
      }
      const data = await client.get(key);
      return data === null ? undefined : JSON.parse(data);
    }

    async findByUid(uid) {
      const id = await client.get(uidKey(uid));
      return id === null ? undefined : this.find(id);
    }

    async findByUserCode(userCode) {
      const id = await client.get(userCodeKey(userCode));
      return id === null ? undefined : this.find(id);
    }

    async destroy(id) {
      await client.del(this.key(id));
    }

    async revokeByGrantId(grantId) {
      const grant = grantKey(grantId);
      const keys = await client.lrange(grant, 0, -1);
      const multi = client.multi();
      // The list holds keys as written (ioredis prefixes them again on `del`).
      for (const key of keys) multi.del(key);
      multi.del(grant);
      await multi.exec();
    }

    async consume(id) {
      await client.hset(this.key(id), 'consumed', Math.floor(Date.now() / 1000));
    }
  }

  return { Adapter: RedisAdapter, close: () => client.quit() };
}
