-- wrk request from the environment: BENCH_METHOD, BENCH_BODY, BENCH_AUTH, BENCH_CLIENT.
wrk.method = os.getenv("BENCH_METHOD") or "GET"
wrk.body = os.getenv("BENCH_BODY")
wrk.headers["Content-Type"] = "application/json"
wrk.headers["Accept"] = "application/json"
local auth = os.getenv("BENCH_AUTH")
if auth and auth ~= "" then wrk.headers["Authorization"] = auth end
local client = os.getenv("BENCH_CLIENT")
if client and client ~= "" then wrk.headers["Client"] = client end

local shown = false
response = function(status, headers, body)
  if status >= 300 and not shown then
    shown = true
    io.stderr:write("first non-2xx: " .. status .. " " .. body .. "\n")
  end
end
