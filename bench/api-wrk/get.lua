-- GET phases of bench/api-wrk.sh (/health, the empty events read): the same counting and report as the PUT phase,
-- so that every phase pays the same Lua cost in the load client and the floors stay comparable.
dofile(os.getenv("API_WRK_DIR") .. "/report.lua")

-- The events read needs the API key; /health ignores it. wrk sends wrk.headers with every request.
wrk.headers["X-Api-Key"] = os.getenv("API_WRK_KEY")
