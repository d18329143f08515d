-- Gatehouse rate limit: one atomic call per request over every limit of the route.
-- KEYS[i]: the counter of limit i. ARGV[2i-1]: its request budget, ARGV[2i]: its window in milliseconds.
-- A request is counted against every limit, or - when any is exhausted - against none.
-- Returns { allowed (1/0), remaining_1, reset_ms_1, remaining_2, reset_ms_2, ... }.
local n = #KEYS
local allowed = 1
local counts = {}
for i = 1, n do
  counts[i] = tonumber(redis.call('GET', KEYS[i]) or '0')
  if counts[i] >= tonumber(ARGV[2 * i - 1]) then
    allowed = 0
  end
end
local result = { allowed }
for i = 1, n do
  local budget = tonumber(ARGV[2 * i - 1])
  local window = tonumber(ARGV[2 * i])
  local count = counts[i]
  if allowed == 1 then
    count = redis.call('INCR', KEYS[i])
    if count == 1 then
      redis.call('PEXPIRE', KEYS[i], window)
    end
  end
  local ttl = redis.call('PTTL', KEYS[i])
  if ttl < 0 then
    -- no counter yet (nothing admitted) or one without expiry (never left behind): a full window
    ttl = window
    if count > 0 then redis.call('PEXPIRE', KEYS[i], window) end
  end
  result[#result + 1] = math.max(0, budget - count)
  result[#result + 1] = ttl
end
return result
