-- wrk: rotating refresh grants. Every request spends one refresh token and the answer's successor
-- goes back into the thread's pool, so no token is presented twice (that would be reuse, or a
-- grace-window repeat that skips the rotation). BENCH_REFRESH holds space-separated refresh
-- tokens (at least one per connection); thread i of n takes every n-th. BENCH_CLIENT_ID and
-- BENCH_CLIENT_SECRET authenticate the client.
local threads = {}
function setup(thread)
  thread:set("index", #threads)
  table.insert(threads, thread)
end

function init(args)
  local all = {}
  for token in string.gmatch(os.getenv("BENCH_REFRESH") or "", "%S+") do table.insert(all, token) end
  pool = {}
  for i, token in ipairs(all) do
    if (i - 1) % (tonumber(os.getenv("BENCH_THREADS")) or 1) == index then
      table.insert(pool, token)
    end
  end
  client = '"client_id":' .. os.getenv("BENCH_CLIENT_ID") .. ',"client_secret":"' .. os.getenv("BENCH_CLIENT_SECRET") .. '"'
  wrk.method = "POST"
  wrk.headers["Content-Type"] = "application/json"
  wrk.headers["Accept"] = "application/json"
end

function request()
  local token = table.remove(pool, 1)
  if not token then error("the refresh-token pool ran dry: give at least one token per connection") end
  local body = '{"grant_type":"refresh_token",' .. client .. ',"refresh_token":"' .. token .. '"}'
  return wrk.format(nil, nil, nil, body)
end

local shown = false
function response(status, headers, body)
  local successor = string.match(body, '"refresh_token":"([^"]+)"')
  if status == 200 and successor then
    table.insert(pool, successor)
  elseif not shown then
    shown = true
    io.stderr:write("first non-2xx: " .. status .. " " .. body .. "\n")
  end
end
