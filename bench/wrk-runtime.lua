-- wrk script of bench/run-runtime.sh (RuntimeBench).
-- With PACE_MS set, each connection waits a random 0..2*PACE_MS ms between a response and its next
-- request, so that both sides are measured at about the same request rate below saturation
-- (latency then shows the service time and its tail, not the length of a saturated queue).
-- Either way it prints the far tail, which wrk's --latency summary leaves out.
local pace = tonumber(os.getenv("PACE_MS") or "")

if pace then
  delay = function()
    return math.random(0, 2 * pace)
  end
end

done = function(summary, latency, requests)
  io.write(string.format("TAIL p99.9=%d p99.99=%d max=%d us\n",
    latency:percentile(99.9), latency:percentile(99.99), latency.max))
end
