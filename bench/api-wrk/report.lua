-- Shared by every phase of bench/api-wrk.sh (loaded with dofile by the phase scripts).
-- Counts 2xx and other answers in each wrk thread and, in done(), prints one RESULT line that the shell parses:
-- wrk's own summary has no p95 and does not say how many answers were 2xx (it lumps 3xx with 2xx).
-- The shell passes the phase's name in API_WRK_PHASE.

-- wrk calls setup() in its main Lua state once per thread; keeping the threads lets done() read their counters.
local threads = {}

function setup(thread)
   table.insert(threads, thread)
   -- 1-based thread number: put-eta.lua picks this thread's own range of lines from it.
   thread:set("id", #threads)
end

-- Per-thread counters (each wrk thread has its own Lua state, so these are not shared between threads).
ok = 0
not_ok = 0
first_failure = nil

function response(status, headers, body)
   if status >= 200 and status < 300 then
      ok = ok + 1
   else
      not_ok = not_ok + 1
      -- Keep one failing answer, so that a failed run says why (a 409 means two connections edited one line).
      if first_failure == nil then
         first_failure = status .. " " .. string.sub(body or "", 1, 300)
      end
   end
end

function done(summary, latency, requests)
   local ok_total, not_ok_total, failure = 0, 0, nil
   for _, thread in ipairs(threads) do
      ok_total = ok_total + thread:get("ok")
      not_ok_total = not_ok_total + thread:get("not_ok")
      failure = failure or thread:get("first_failure")
   end
   local errors = summary.errors
   local socket_errors = errors.connect + errors.read + errors.write + errors.timeout
   local seconds = summary.duration / 1e6
   -- latency:percentile() is in microseconds; the report is in milliseconds.
   io.write(string.format(
      "RESULT phase=%s requests=%d seconds=%.2f rps=%.1f p50_ms=%.2f p95_ms=%.2f p99_ms=%.2f max_ms=%.2f ok=%d not_ok=%d socket_errors=%d\n",
      os.getenv("API_WRK_PHASE") or "?", summary.requests, seconds, summary.requests / seconds,
      latency:percentile(50) / 1000, latency:percentile(95) / 1000, latency:percentile(99) / 1000, latency.max / 1000,
      ok_total, not_ok_total, socket_errors))
   if failure ~= nil then
      io.write("FIRST FAILURE " .. failure .. "\n")
   end
end
