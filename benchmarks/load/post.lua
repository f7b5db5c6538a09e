-- wrk: POST the JSON body in $BODY_FILE to the URL given to wrk (closed loop, non-streaming).
-- $AUTHORIZATION, when set, is sent as the Authorization header (the governance variant).
-- wrk -t1 -c50 -d15s -s benchmarks/load/post.lua http://127.0.0.1:19180/v1/chat/completions
local dir = debug.getinfo(1, "S").source:match("^@(.*/)") or "./"
dofile(dir .. "wrk-report.lua")

local file = assert(io.open(assert(os.getenv("BODY_FILE"), "BODY_FILE is not set"), "rb"))
wrk.method = "POST"
wrk.body = file:read("*a")
file:close()
wrk.headers["Content-Type"] = "application/json"
local auth = os.getenv("AUTHORIZATION")
if auth and auth ~= "" then
  wrk.headers["Authorization"] = auth
end

function init(args)
  bad = 0
end

function done(summary, latency, requests)
  report(summary, latency, requests)
end
