package dev.switchboard.redis.internal;

/**
 * The Lua scripts of concurrency limits and quotas. Each touches one key, so each runs atomically on
 * the node that owns the key, also under Redis Cluster. Counts are integers far below 2^53, exact in
 * Lua's numbers.
 */
public final class LimitScripts {

  private LimitScripts() {}

  /**
   * Takes concurrency slots as leases in a sorted set scored by their expiry (ms, client clock):
   * drops expired leases, then adds {@code amount} members {@code lease#1..n} if they fit. The key
   * expires with its newest lease, so a crashed instance's slots free themselves.
   *
   * <p>KEYS[1] the set; ARGV now, expiry, limit, amount, lease id, key TTL (ms). Returns
   * {granted 1/0, slots held afterwards}.
   */
  public static final String LEASE_ACQUIRE = ""
      + "redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', ARGV[1]) "
      + "local held = redis.call('ZCARD', KEYS[1]) "
      + "local amount = tonumber(ARGV[4]) "
      + "if held + amount > tonumber(ARGV[3]) then return {0, held} end "
      + "for i = 1, amount do redis.call('ZADD', KEYS[1], ARGV[2], ARGV[5] .. '#' .. i) end "
      + "redis.call('PEXPIRE', KEYS[1], ARGV[6]) "
      + "return {1, held + amount}";

  /**
   * Gives back up to {@code count} of a lease's members, highest first; members already gone (given
   * back or expired) are skipped, so a repeated release removes nothing more.
   *
   * <p>KEYS[1] the set; ARGV lease id, members the lease took, count. Returns the members removed.
   */
  public static final String LEASE_RELEASE = ""
      + "local removed = 0 "
      + "local want = tonumber(ARGV[3]) "
      + "for i = tonumber(ARGV[2]), 1, -1 do "
      + "  if removed >= want then break end "
      + "  removed = removed + redis.call('ZREM', KEYS[1], ARGV[1] .. '#' .. i) "
      + "end "
      + "return removed";

  /**
   * Adds {@code amount} to a period's quota counter only if the result stays within the limit, and
   * sets the key to expire after the period.
   *
   * <p>KEYS[1] the period's counter; ARGV amount, limit, TTL (ms). Returns {granted 1/0, used afterwards}.
   */
  public static final String QUOTA_ACQUIRE = ""
      + "local used = tonumber(redis.call('GET', KEYS[1]) or '0') "
      + "local amount = tonumber(ARGV[1]) "
      + "if used + amount > tonumber(ARGV[2]) then return {0, used} end "
      + "used = redis.call('INCRBY', KEYS[1], amount) "
      + "redis.call('PEXPIRE', KEYS[1], ARGV[3]) "
      + "return {1, used}";

  /**
   * Settles into a period's quota counter: adds {@code delta} (may exceed the limit: the tokens were
   * used), never going below zero.
   *
   * <p>KEYS[1] the period's counter; ARGV delta, TTL (ms). Returns the count afterwards.
   */
  public static final String QUOTA_ADJUST = ""
      + "local used = tonumber(redis.call('GET', KEYS[1]) or '0') "
      + "local delta = tonumber(ARGV[1]) "
      + "if used + delta < 0 then delta = -used end "
      + "if delta == 0 then return used end "
      + "used = redis.call('INCRBY', KEYS[1], delta) "
      + "redis.call('PEXPIRE', KEYS[1], ARGV[2]) "
      + "return used";
}
