// Lua run by Redis, so an index change (sets, token sets, vocabulary, counters, summary) is
// atomic: no reader ever sees a video in a set without its counters, and two server processes
// writing the same video cannot interleave. Keys are built inside the script from the org's
// base key, which is fine on one Redis (Reelkit does not support Redis Cluster).

/**
 * ARGV: base (`<prefix>:cat:o:<org>:`), orgs set key, org id, video id, mode, summary JSON,
 * version (ms: when the summary was read from the database), the video's API JSON (kept in the
 * `json` hash and served as is by pages and `GET /v1/videos/:id`).
 * - `set`: index the summary (a write's own re-read, made under the video's lock, so these come
 *   in the order the database changed) unless the video was deleted.
 * - `rebuild`: index the summary unless the entry was written after the version (the rebuild's
 *   read is older than that write's re-read).
 * - `delete`: unindex and leave a tombstone, so a slower writer cannot bring the video back.
 * - `drop`: unindex and forget (tombstone included) unless written at or after the version —
 *   what a rebuild does to a video the database no longer has.
 * Returns 0 when ignored, 1 when nothing changed (or a tombstone was forgotten), 2 when the
 * index changed.
 */
export const SYNC_SCRIPT = `
local base, orgs, org, id, mode, new, u = ARGV[1], ARGV[2], ARGV[3], ARGV[4], ARGV[5], ARGV[6], tonumber(ARGV[7])
local json = ARGV[8]
local cur = redis.call('HGET', base .. 'doc', id)
local ver = tonumber(redis.call('HGET', base .. 'ver', id) or '0')
if mode == 'drop' then
  if not cur or ver >= u then return 0 end
elseif cur == 'x' then return 0
elseif mode == 'rebuild' and cur and ver >= u then return 0
elseif cur == new then
  redis.call('HSET', base .. 'ver', id, ARGV[7])
  if redis.call('HGET', base .. 'json', id) == json then return 1 end
  redis.call('HSET', base .. 'json', id, json)
  return 2
end
local stats = base .. 'stats'
local function apply(d, add)
  local sets = { base .. 'all', base .. 's:' .. d.s, base .. 'v:' .. d.v, base .. 'sv:' .. d.s .. ':' .. d.v }
  for _, t in ipairs(d.t) do sets[#sets + 1] = base .. 't:' .. t end
  for _, key in ipairs(sets) do
    if add then redis.call('ZADD', key, 0, id) else redis.call('ZREM', key, id) end
  end
  for _, t in ipairs(d.t) do
    if add then redis.call('ZADD', base .. 'voc', 0, t)
    elseif redis.call('EXISTS', base .. 't:' .. t) == 0 then redis.call('ZREM', base .. 'voc', t) end
  end
  local sign = add and '' or '-'
  redis.call('HINCRBY', stats, d.s .. ':n', sign .. '1')
  if d.d ~= '0' then redis.call('HINCRBY', stats, d.s .. ':d', sign .. d.d) end
  if d.b ~= '0' then redis.call('HINCRBY', stats, d.s .. ':b', sign .. d.b) end
end
if cur and cur ~= 'x' then apply(cjson.decode(cur), false) end
if mode == 'drop' then
  redis.call('HDEL', base .. 'doc', id)
  redis.call('HDEL', base .. 'ver', id)
  redis.call('HDEL', base .. 'json', id)
  if cur == 'x' then return 1 end
  return 2
end
if mode == 'delete' then
  redis.call('HSET', base .. 'doc', id, 'x')
  redis.call('HDEL', base .. 'json', id)
else
  apply(cjson.decode(new), true)
  redis.call('HSET', base .. 'doc', id, new)
  redis.call('HSET', base .. 'json', id, json)
  redis.call('SADD', orgs, org)
end
redis.call('HSET', base .. 'ver', id, ARGV[7])
return 2
`;
