-- A wrk script for ScaleOutTests: GETs the paths given after `--` in turn on every connection, counts the answers by
-- HTTP status in each thread, and in done() writes those counts and wrk's socket errors (connect, read, write,
-- timeout) to the file named by WRK_COUNTS, one "name count" a line, so that a test asserts exact numbers.
-- usage: WRK_COUNTS=FILE wrk -t T -c C -d D --timeout 30s -s wrk-count.lua URL -- PATH...   (PATH from the URL's root)
local threads = {}

function setup(thread)
  table.insert(threads, thread)
end

function init(args)
  -- args[0] is the URL; the paths follow.
  paths = {}
  for i = 1, #args do paths[i] = args[i] end
  counts = {}
  n = 0
end

function request()
  n = n + 1
  return wrk.format("GET", paths[(n - 1) % #paths + 1])
end

function response(status, headers, body)
  counts[status] = (counts[status] or 0) + 1
end

function done(summary, latency, requests)
  local all = {}
  for _, t in ipairs(threads) do
    for status, count in pairs(t:get("counts")) do all[status] = (all[status] or 0) + count end
  end
  local f = assert(io.open(os.getenv("WRK_COUNTS"), "w"))
  f:write("requests ", summary.requests, "\n")
  for _, e in ipairs({ "connect", "read", "write", "timeout" }) do f:write("errors.", e, " ", summary.errors[e], "\n") end
  for status, count in pairs(all) do f:write("status.", status, " ", count, "\n") end
  f:close()
end
