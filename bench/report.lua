-- wrk script: method, body, cookie and authorization from the environment; prints one JSON
-- line at the end. wrk counts non-2xx/3xx answers in summary.errors.status.
local method = os.getenv("BENCH_METHOD") or "GET"
local body = os.getenv("BENCH_BODY") or ""
local cookie = os.getenv("BENCH_COOKIE") or ""
local authorization = os.getenv("BENCH_AUTHORIZATION") or ""

request = function()
  -- As a browser would: compressed answers are welcome.
  local headers = {["Accept-Encoding"] = "gzip, deflate"}
  if cookie ~= "" then headers["Cookie"] = cookie end
  if authorization ~= "" then headers["Authorization"] = authorization end
  if body ~= "" then headers["Content-Type"] = "application/x-www-form-urlencoded" end
  return wrk.format(method, nil, headers, body ~= "" and body or nil)
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
