-- wrk: POST the streaming request in $BODY_FILE ("stream": true) and read each SSE response to its
-- end (wrk decodes the chunked body); a response counts as bad unless it is a 200 whose events end
-- with "data: [DONE]". Latency is the time to the end of the stream.
-- BODY_FILE=benchmarks/load/bodies/chat-stream.json wrk -t1 -c50 -d15s -s benchmarks/load/sse.lua URL
local dir = debug.getinfo(1, "S").source:match("^@(.*/)") or "./"
dofile(dir .. "wrk-report.lua")

local file = assert(io.open(assert(os.getenv("BODY_FILE"), "BODY_FILE is not set"), "rb"))
wrk.method = "POST"
wrk.body = file:read("*a")
file:close()
wrk.headers["Content-Type"] = "application/json"
wrk.headers["Accept"] = "text/event-stream"
local auth = os.getenv("AUTHORIZATION")
if auth and auth ~= "" then
  wrk.headers["Authorization"] = auth
end

function init(args)
  bad = 0
end

function response(status, headers, body)
  if status ~= 200 or not body:find("data: [DONE]", 1, true) then
    bad = bad + 1
  end
end

function done(summary, latency, requests)
  report(summary, latency, requests)
end
