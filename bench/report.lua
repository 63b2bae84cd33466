-- wrk script: method, body, cookie and authorization from the environment; prints one JSON
-- line at the end. wrk counts non-2xx/3xx answers in summary.errors.status.
local method = os.getenv("BENCH_METHOD") or "GET"
local body = os.getenv("BENCH_BODY") or ""
local cookie = os.getenv("BENCH_COOKIE") or ""
local authorization = os.getenv("BENCH_AUTHORIZATION") or ""

-- A body holding BENCHUNIQUE gets three random words in its place, every request (as
-- bench/load.py's unique_words): each submission is a new invention, not the same again.
local function unique_words()
  local words = {}
  for w = 1, 3 do
    local letters = {}
    for i = 1, 8 do letters[i] = string.char(math.random(97, 122)) end
    words[w] = table.concat(letters)
  end
  return table.concat(words, "+")
end

local unique = string.find(body, "BENCHUNIQUE", 1, true) ~= nil

-- Each wrk thread has its own Lua state: seed each differently, or all send the same words.
local threads = 0
function setup(thread)
  threads = threads + 1
  thread:set("thread_number", threads)
end

function init(args)
  math.randomseed(os.time() * 100 + (thread_number or 0))
end

request = function()
  -- As a browser would: compressed answers are welcome.
  local headers = {["Accept-Encoding"] = "gzip, deflate"}
  if cookie ~= "" then headers["Cookie"] = cookie end
  if authorization ~= "" then headers["Authorization"] = authorization end
  if body ~= "" then headers["Content-Type"] = "application/x-www-form-urlencoded" end
  local sent = body
  if unique then sent = string.gsub(body, "BENCHUNIQUE", unique_words()) end
  return wrk.format(method, nil, headers, sent ~= "" and sent or nil)
end

function done(summary, latency, requests)
  local socket = summary.errors.connect + summary.errors.read + summary.errors.write
    + summary.errors.timeout
  io.write(string.format(
    '{"requests": %d, "duration_us": %d, "errors": %d, "socket_errors": %d, '
    .. '"p50_us": %d, "p95_us": %d, "p99_us": %d}\n',
    summary.requests, summary.duration, summary.errors.status, socket,
    latency:percentile(50), latency:percentile(95), latency:percentile(99)))
end
