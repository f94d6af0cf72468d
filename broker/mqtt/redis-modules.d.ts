// aedes-persistence-redis 11 ships no types; this is the slice we use.
declare module 'aedes-persistence-redis' {
  import type { RedisOptions } from 'ioredis';
  const factory: (opts?: RedisOptions & { maxSessionDelivery?: number }) => unknown;
  export default factory;
}
