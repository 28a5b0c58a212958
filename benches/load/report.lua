-- wrk: one machine-readable line: requests/s, p50 and p99 in ms, bytes per response.
done = function(summary, latency, requests)
  local secs = summary.duration / 1e6
  local n = summary.requests
  if n == 0 then n = 1 end
  io.write(string.format("RESULT %.1f %.1f %.1f %d\n", summary.requests / secs,
    latency:percentile(50) / 1000, latency:percentile(99) / 1000, math.floor(summary.bytes / n)))
end
