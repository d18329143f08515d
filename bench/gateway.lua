-- wrk script for bench/gateway.sh: GET BENCH_PATH with "Authorization: Bearer <token>", rotating through the
-- tokens in the file BENCH_TOKENS (one per line). The requests are formatted once, in init(), so wrk's own cost
-- per request stays a table lookup. With BENCH_DELAY_MS > 0 every connection waits that long after each response
-- (think time): 64 connections x 16 ms is a paced load of about 4,000 requests/s.
local path = os.getenv("BENCH_PATH") or "/api/items"
local token_file = os.getenv("BENCH_TOKENS")
local delay_ms = tonumber(os.getenv("BENCH_DELAY_MS") or "0")
local requests = {}
local next_index = 0

function init(args)
  for token in io.lines(token_file) do
    if token ~= "" then
      requests[#requests + 1] = wrk.format("GET", path, { ["Authorization"] = "Bearer " .. token })
    end
  end
  if #requests == 0 then
    error("no tokens in " .. tostring(token_file))
  end
end

function request()
  next_index = next_index % #requests + 1
  return requests[next_index]
end

if delay_ms > 0 then
  function delay()
    return delay_ms
  end
end
