-- wrk script for a fixed offered load: each connection waits a random pause (half to one and a half
-- times the mean given as the script's argument, in ms) before each request, so the request rate is
-- about connections * 1000 / pause whatever the proxy's capacity, and the connections do not fire
-- in step. Prints one line: requests, duration µs, p50, p99, p99.9 and max latency µs, errors.
local pause = 20
function init(args)
  if args[1] then pause = tonumber(args[1]) end
  math.randomseed(os.time() + math.floor(os.clock() * 1e6))
end
function delay()
  return math.random(math.floor(pause / 2), math.floor(pause * 3 / 2))
end
function done(summary, latency, requests)
  local e = summary.errors
  io.write(string.format("fixed-rate %d %d %d %d %d %d %d\n", summary.requests, summary.duration,
    latency:percentile(50), latency:percentile(99), latency:percentile(99.9), latency.max,
    e.connect + e.read + e.write + e.timeout + e.status))
end
