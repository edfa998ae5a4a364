-- wrk script of `make bench` (bench/run.sh): prints one line that run.sh turns into a table row.
--   RESULT <requests/s> <p95 ms> <requests> <socket errors> <HTTP errors>
-- With the arguments `bust <nonce>`, every request carries a parameter the page does not know
-- (`_bench=<nonce>-<thread>-<n>`), which the page cache never serves nor stores: what rendering
-- the page costs.

local threads = 0

function setup(thread)
  threads = threads + 1
  thread:set("thread_id", threads)
end

function init(args)
  if args[1] == "bust" then
    local nonce = args[2] or "0"
    local counter = 0
    local separator = string.find(wrk.path, "?", 1, true) and "&" or "?"
    request = function()
      counter = counter + 1
      return wrk.format(nil, wrk.path .. separator .. "_bench=" .. nonce .. "-" .. thread_id .. "-" .. counter)
    end
  end
end

function done(summary, latency, requests)
  local errors = summary.errors
  io.write(string.format(
    "RESULT %.1f %.2f %d %d %d\n",
    summary.requests / (summary.duration / 1e6),
    latency:percentile(95) / 1000,
    summary.requests,
    errors.connect + errors.read + errors.write + errors.timeout,
    errors.status
  ))
end
