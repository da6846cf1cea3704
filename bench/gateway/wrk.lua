-- Load for one gateway: POSTs the benchmark query and checks every response against the
-- expected bytes. Arguments after `--`: <request body file> <expected response file>
-- <tokens file, or - for no Authorization header>. With tokens, each request carries the
-- next token, so no two requests in flight are alike. Prints one JSON line when done, and
-- the first wrong response on stderr.
local expected, tokens
local sent = 0
-- Globals, so that done() can read them from each thread with thread:get().
mismatches, sample = 0, nil
local threads = {}

local function slurp(path)
  local file = assert(io.open(path, "rb"))
  local text = file:read("*a")
  file:close()
  return text
end

function setup(thread)
  table.insert(threads, thread)
end

function init(args)
  wrk.method = "POST"
  wrk.body = slurp(args[1])
  wrk.headers["Content-Type"] = "application/json"
  expected = slurp(args[2])
  if args[3] ~= "-" then
    tokens = {}
    for line in io.lines(args[3]) do tokens[#tokens + 1] = line end
  end
end

function request()
  if tokens then
    sent = sent + 1
    wrk.headers["Authorization"] = "Bearer " .. tokens[(sent - 1) % #tokens + 1]
  end
  return wrk.format()
end

function response(status, headers, body)
  if status ~= 200 or body ~= expected then
    mismatches = mismatches + 1
    if not sample then sample = status .. " " .. string.sub(body or "", 1, 300) end
  end
end

function done(summary, latency, requests)
  local bad, example = 0, ""
  for _, thread in ipairs(threads) do
    bad = bad + thread:get("mismatches")
    example = thread:get("sample") or example
  end
  local e = summary.errors
  io.write(string.format(
    '{"requests":%d,"durationUs":%d,"p50Us":%d,"p99Us":%d,"socketErrors":%d,"httpErrors":%d,"mismatches":%d}\n',
    summary.requests, summary.duration, latency:percentile(50), latency:percentile(99),
    e.connect + e.read + e.write + e.timeout, e.status, bad))
  if bad > 0 then io.stderr:write("first wrong response: " .. example .. "\n") end
end
