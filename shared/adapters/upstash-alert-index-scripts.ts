import { catalogued } from "../domain/metrics-catalog.ts";

// The alert index's Redis scripts: each runs atomically in one round trip
// (docs/ingest.md). The adapter (upstash-alert-index.ts) only marshals their
// arguments and answers.

export const TIMELINE_MS = 7 * 86_400_000;

// The script records these itself, in the same round trip as the admission.
const RECEIVED = catalogued("awoooi_alerts_received_total");
const DEDUPLICATED = catalogued("awoooi_alerts_deduplicated_total");
const LAST_RECEIVED = catalogued("awoooi_last_alert_received_timestamp");
const STORMS = catalogued("awoooi_alert_storm_detected_total");
const METRICS_COUNT_ARG = 12;
const ARGS_PER_SIGHTING = 6;

// One atomic script for a whole request: dedup, aggregation, occurrence
// timeline, storm guard, rate limit and resolution. One command, one round trip.
export const ADMIT_SCRIPT = `
local prefix, now, window, keep = ARGV[1], tonumber(ARGV[2]), tonumber(ARGV[3]), tonumber(ARGV[4])
local source, limit, mode = ARGV[5], tonumber(ARGV[6]), ARGV[7]
local overflowFp, overflowCandidate, stormThreshold, retention = ARGV[8], ARGV[9], tonumber(ARGV[10]), tonumber(ARGV[11])
local minute = math.floor(now / 60000)
local rateKey = prefix .. 'rate:' .. source .. ':' .. minute
local opened = tonumber(redis.call('GET', rateKey) or '0')

-- Metrics ride along: samples handed in, and this request's own counts at the end.
local metricsKey = prefix .. 'metrics'
local metricPairs = tonumber(ARGV[${METRICS_COUNT_ARG}])
for i = ${METRICS_COUNT_ARG} + 1, ${METRICS_COUNT_ARG} + metricPairs * 2, 2 do
  redis.call('HINCRBYFLOAT', metricsKey, ARGV[i], ARGV[i + 1])
end
local first = ${METRICS_COUNT_ARG} + 1 + metricPairs * 2
local function received(status, n)
  if n > 0 then redis.call('HINCRBYFLOAT', metricsKey, '${RECEIVED}{source="' .. source .. '",status="' .. status .. '"}', n) end
end
local function deduplicated(reason, n)
  if n > 0 then redis.call('HINCRBYFLOAT', metricsKey, '${DEDUPLICATED}{reason="' .. reason .. '"}', n) end
end
redis.call('HSET', metricsKey, '${LAST_RECEIVED}', tostring(now / 1000))

if mode == 'refuse' then
  local seen, fresh = {}, 0
  for i = first, #ARGV, ${ARGS_PER_SIGHTING} do
    local fp = ARGV[i]
    if ARGV[i + 2] == 'firing' and not seen[fp] then
      seen[fp] = true
      if not redis.call('GET', prefix .. 'fp:' .. fp) then fresh = fresh + 1 end
    end
  end
  if fresh > 0 and opened + fresh > limit then
    received('refused', (#ARGV - first + 1) / ${ARGS_PER_SIGHTING})
    return { 'refused', 60 - math.floor((now % 60000) / 1000) }
  end
end

local function incidentKey(id) return prefix .. 'incident:' .. id end

local function touch(id)
  local key = incidentKey(id)
  local hits = redis.call('HINCRBY', key, 'hits', 1)
  redis.call('HSET', key, 'last_seen', now)
  redis.call('EXPIRE', key, keep)
  return hits
end

local function open(fpKey, id, fp, kind)
  redis.call('SET', fpKey, id, 'EX', window)
  redis.call('HSET', incidentKey(id), 'fingerprint', fp, 'kind', kind, 'hits', 0, 'members', 0, 'first_seen', now, 'last_seen', now)
end

local function record(fp, unique)
  local key = prefix .. 'timeline:' .. fp
  redis.call('ZADD', key, now, now .. ':' .. unique)
  redis.call('ZREMRANGEBYSCORE', key, '-inf', now - retention)
  redis.call('PEXPIRE', key, retention)
end

local function absorb(groupFp, candidate, kind, memberKey)
  local groupKey = prefix .. 'fp:' .. groupFp
  local id = redis.call('GET', groupKey)
  local event = 'none'
  if id then
    redis.call('EXPIRE', groupKey, window)
  else
    id = candidate
    open(groupKey, id, groupFp, kind)
    event = 'opened_' .. kind
  end
  redis.call('SET', memberKey, 'm:' .. id, 'EX', window)
  redis.call('HINCRBY', incidentKey(id), 'members', 1)
  return id, touch(id), event
end

local out = {}
for i = first, #ARGV, ${ARGS_PER_SIGHTING} do
  local fp, candidate, status, group, stormFp, stormCandidate = ARGV[i], ARGV[i + 1], ARGV[i + 2], ARGV[i + 3], ARGV[i + 4], ARGV[i + 5]
  local fpKey = prefix .. 'fp:' .. fp
  local current = redis.call('GET', fpKey)
  local member = current and string.sub(current, 1, 2) == 'm:'
  local id = current and (member and string.sub(current, 3) or current)
  if status == 'resolved' then
    if not current then
      -- Nothing open here (already closed, or Redis lost it): analyze still closes any open incident of this fingerprint.
      out[#out + 1] = { '', 'resolved', 0, 'closed' }
    else
      redis.call('DEL', fpKey)
      local key = incidentKey(id)
      local event = 'closed'
      if member then
        event = 'none'
        if redis.call('HINCRBY', key, 'members', -1) <= 0 then
          local groupFp = redis.call('HGET', key, 'fingerprint')
          if groupFp and redis.call('GET', prefix .. 'fp:' .. groupFp) == id then redis.call('DEL', prefix .. 'fp:' .. groupFp) end
          event = 'closed'
        end
      end
      if event == 'closed' then redis.call('HSET', key, 'resolved_at', now) end
      out[#out + 1] = { id, 'resolved', tonumber(redis.call('HGET', key, 'hits') or '0'), event }
    end
  elseif current then
    redis.call('EXPIRE', fpKey, window)
    record(fp, candidate)
    out[#out + 1] = { id, 'aggregated', touch(id), 'none' }
  else
    record(fp, candidate)
    local stormKey = prefix .. 'storm:' .. group .. ':' .. minute
    local fresh = redis.call('INCR', stormKey)
    if fresh == 1 then redis.call('EXPIRE', stormKey, 120) end
    if fresh > stormThreshold then
      local sid, hits, event = absorb(stormFp, stormCandidate, 'storm', fpKey)
      out[#out + 1] = { sid, 'storm', hits, event }
    elseif mode == 'absorb' and opened >= limit then
      local oid, hits, event = absorb(overflowFp, overflowCandidate, 'overflow', fpKey)
      out[#out + 1] = { oid, 'rate_limited', hits, event }
    else
      open(fpKey, candidate, fp, 'incident')
      opened = opened + 1
      redis.call('INCR', rateKey)
      redis.call('EXPIRE', rateKey, 120)
      out[#out + 1] = { candidate, 'accepted', touch(candidate), 'opened' }
    end
  end
end

local counts = {}
for _, row in ipairs(out) do
  counts[row[2]] = (counts[row[2]] or 0) + 1
  if row[4] == 'opened_storm' then redis.call('HINCRBYFLOAT', metricsKey, '${STORMS}', 1) end
end
for status, n in pairs(counts) do received(status, n) end
-- Hourly volume for the stats API and status page: alerts fired, incidents they opened.
local fired = #out - (counts['resolved'] or 0)
if fired > 0 then
  local volumeKey = prefix .. 'volume:' .. math.floor(now / 3600000)
  redis.call('HINCRBY', volumeKey, 'alerts', fired)
  local openedHere = 0
  for _, row in ipairs(out) do
    if row[4] == 'opened' or row[4] == 'opened_storm' or row[4] == 'opened_overflow' then openedHere = openedHere + 1 end
  end
  if openedHere > 0 then redis.call('HINCRBY', volumeKey, 'opened', openedHere) end
  redis.call('EXPIRE', volumeKey, 8 * 86400)
end
deduplicated('duplicate', counts['aggregated'] or 0)
deduplicated('storm', counts['storm'] or 0)
deduplicated('rate_limited', counts['rate_limited'] or 0)
return out
`;

// Only removes what still holds this request's value: another request may have moved on.
export const RELEASE_SCRIPT = `
local prefix = ARGV[1]
local count = tonumber(ARGV[2])
for i = 3, 2 + count * 2, 2 do
  local key = prefix .. 'fp:' .. ARGV[i]
  if redis.call('GET', key) == ARGV[i + 1] then redis.call('DEL', key) end
end
local ids = tonumber(ARGV[3 + count * 2])
for i = 4 + count * 2, 3 + count * 2 + ids do
  redis.call('DEL', prefix .. 'incident:' .. ARGV[i])
end
-- Counters the undone admission raised, taken back (never below zero).
local function lower(key, n)
  if n > 0 and redis.call('EXISTS', key) == 1 then
    if redis.call('DECRBY', key, n) < 0 then redis.call('SET', key, 0, 'KEEPTTL') end
  end
end
local c = 4 + count * 2 + ids
if ARGV[c] then
  local minute = ARGV[c]
  lower(prefix .. 'rate:' .. ARGV[c + 1] .. ':' .. minute, tonumber(ARGV[c + 2]))
  for i = c + 3, #ARGV, 2 do lower(prefix .. 'storm:' .. ARGV[i] .. ':' .. minute, tonumber(ARGV[i + 1])) end
end
return 1
`;

// Re-points the fingerprint only if it still names the incident it was admitted as.
export const ADOPT_SCRIPT = `
local fpKey, fromKey, toKey = KEYS[1], KEYS[2], KEYS[3]
if redis.call('GET', fpKey) ~= ARGV[1] then return 0 end
redis.call('SET', fpKey, ARGV[2], 'KEEPTTL')
if redis.call('EXISTS', fromKey) == 1 then
  if redis.call('EXISTS', toKey) == 1 then
    redis.call('HINCRBY', toKey, 'hits', tonumber(redis.call('HGET', fromKey, 'hits') or '0'))
    redis.call('HSET', toKey, 'last_seen', redis.call('HGET', fromKey, 'last_seen') or '0')
    redis.call('DEL', fromKey)
  else
    redis.call('RENAME', fromKey, toKey)
  end
end
return 1
`;

export const OCCURRENCES_SCRIPT = `
local key, now = KEYS[1], tonumber(ARGV[1])
local previous = redis.call('ZREVRANGEBYSCORE', key, '(' .. now, '-inf', 'WITHSCORES', 'LIMIT', 0, 1)
return {
  redis.call('ZCOUNT', key, now - 3600000, now),
  redis.call('ZCOUNT', key, now - 86400000, now),
  redis.call('ZCOUNT', key, now - 604800000, now),
  previous[2] or ''
}
`;
