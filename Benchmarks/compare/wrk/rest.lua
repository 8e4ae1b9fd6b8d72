-- Holdfast's REST cells: wrk -s rest.lua URL -- MODE TOKEN PATH RUN SKU
-- MODE get: every request is GET PATH. MODE post: every request is POST PATH,
-- a reservation of 1 unit of SKU, with an Idempotency-Key never used before
-- (RUN-<thread>-<count>), which becomes the reservation's id.
-- Every response's status is counted; at the end one line "wrk-json: {...}"
-- gives the requests, the statuses, wrk's socket errors and the latency (µs).

local threads = {}

function setup(thread)
    table.insert(threads, thread)
    thread:set("number", #threads)
end

function init(args)
    mode, token, path, run, sku = args[1], args[2], args[3], args[4], args[5]
    statuses = {}
    sent = 0
    headers = { ["Host"] = wrk.host .. ":" .. wrk.port, ["Authorization"] = "Bearer " .. token }
    if mode == "get" then
        fixed = wrk.format("GET", path, headers)
    else
        headers["Content-Type"] = "application/json"
        body = '{"lines":[{"sku":"' .. sku .. '","quantity":1}]}'
        prefix = run .. "-" .. number .. "-"
    end
end

function request()
    if fixed then
        return fixed
    end
    sent = sent + 1
    headers["Idempotency-Key"] = prefix .. sent
    return wrk.format("POST", path, headers, body)
end

function response(status, response_headers, response_body)
    statuses[status] = (statuses[status] or 0) + 1
end

function done(summary, latency, requests)
    local counts = {}
    for _, thread in ipairs(threads) do
        for status, count in pairs(thread:get("statuses")) do
            counts[status] = (counts[status] or 0) + count
        end
    end
    local parts = {}
    for status, count in pairs(counts) do
        parts[#parts + 1] = string.format('"%d": %d', status, count)
    end
    local errors = summary.errors
    io.write(string.format(
        'wrk-json: {"requests": %d, "duration_us": %d, "statuses": {%s}, '
            .. '"errors": {"connect": %d, "read": %d, "write": %d, "status": %d, "timeout": %d}, '
            .. '"latency_us": {"p50": %d, "p99": %d, "max": %d, "mean": %.1f}}\n',
        summary.requests, summary.duration, table.concat(parts, ", "),
        errors.connect, errors.read, errors.write, errors.status, errors.timeout,
        latency:percentile(50), latency:percentile(99), latency.max, latency.mean))
end
