-- Shared by post.lua and sse.lua: prints one machine-readable line after a wrk run.
-- wrk's own latency percentiles are closed-loop numbers (coordinated omission included); the
-- open-loop client (LoadClient) is what measures latency at a fixed rate.
local threads = {}

function setup(thread)
  table.insert(threads, thread)
end

function report(summary, latency, requests)
  local bad = 0
  for _, t in ipairs(threads) do
    bad = bad + (t:get("bad") or 0)
  end
  local e = summary.errors
  local seconds = summary.duration / 1e6
  io.write(string.format(
    "WRK requests=%d rps=%.1f p50_ms=%.3f p90_ms=%.3f p99_ms=%.3f p999_ms=%.3f max_ms=%.3f " ..
    "errors_connect=%d errors_read=%d errors_write=%d errors_timeout=%d non2xx=%d bad_responses=%d\n",
    summary.requests, summary.requests / seconds,
    latency:percentile(50) / 1000, latency:percentile(90) / 1000, latency:percentile(99) / 1000,
    latency:percentile(99.9) / 1000, latency.max / 1000,
    e.connect, e.read, e.write, e.timeout, e.status, bad))
end
