-- wrk script: each thread follows one refresh-token rotation chain (one connection per thread: -t N -c N).
-- TOKENS (comma-separated refresh tokens, one per thread) comes from the environment.
local tokens = {}
for t in string.gmatch(os.getenv("TOKENS") or "", "[^,]+") do tokens[#tokens + 1] = t end
local next_index = 0

function setup(thread)
  next_index = next_index + 1
  thread:set("token", tokens[next_index])
end

function request()
  return wrk.format("POST", "/token", { ["Content-Type"] = "application/x-www-form-urlencoded" },
    "grant_type=refresh_token&refresh_token=" .. token)
end

failures = 0
function response(status, headers, body)
  local rotated = string.match(body, '"refresh_token":"([^"]+)"')
  if status == 200 and rotated then token = rotated else failures = failures + 1 end
end
