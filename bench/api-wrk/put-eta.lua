-- The ETA-update phase of bench/api-wrk.sh: PUT /api/v1/orders/BENCH-ORDER/lines/{n}/eta.
-- Environment (set by the shell): API_WRK_LINES (lines of BENCH-ORDER), API_WRK_THREADS (wrk's -t),
-- API_WRK_ETA_A / API_WRK_ETA_B (the two dates each line alternates between), API_WRK_KEY.
dofile(os.getenv("API_WRK_DIR") .. "/report.lua")

wrk.method = "PUT"
wrk.headers["X-Api-Key"] = os.getenv("API_WRK_KEY")
wrk.headers["Content-Type"] = "application/json"

-- Runs in each thread's Lua state after setup() set its "id".
function init(args)
   local lines = tonumber(os.getenv("API_WRK_LINES"))
   local thread_count = tonumber(os.getenv("API_WRK_THREADS"))
   -- Each thread owns a contiguous range of lines, so no two threads ever edit one line: two requests racing for a
   -- line would make one of them a 409 (the write path's version check), which this benchmark must not measure.
   -- Within a thread the connections take the range round robin; the shell checks that a range is longer than a
   -- thread's connections, so a line's previous PUT has been answered before it comes round again.
   local per_thread = math.floor(lines / thread_count)
   first_line = (id - 1) * per_thread + 1
   range = per_thread
   next_index = 0
   -- How many times this phase has sent each line; its parity picks the date, so every PUT moves the line's ETA
   -- (a PUT of the ETA the line already has answers 200 "changed": false and writes nothing: not a real update).
   sent = {}
   eta = { os.getenv("API_WRK_ETA_A"), os.getenv("API_WRK_ETA_B") }
end

function request()
   local line = first_line + next_index
   next_index = (next_index + 1) % range
   local count = sent[line] or 0
   sent[line] = count + 1
   local body = '{"eta":"' .. eta[(count % 2) + 1] ..
      '","reasonCode":"supplierDelay","reasonText":"Supplier shipment rescheduled"}'
   return wrk.format(nil, "/api/v1/orders/BENCH-ORDER/lines/" .. line .. "/eta", nil, body)
end
