-- Check and reserve, atomically: every key in KEYS is a SKU's available units;
-- take ARGV[1] units of each, all or nothing. A SKU named twice needs twice
-- the units. Returns 1 when reserved; when any SKU is short, changes nothing
-- and returns 0, or (ARGV[2] == "error") an error reply, so that
-- `redis-cli --pipe` counts the refusals as errors.
local units = tonumber(ARGV[1])
local needed = {}
local order = {}
for _, key in ipairs(KEYS) do
    if needed[key] == nil then
        needed[key] = 0
        order[#order + 1] = key
    end
    needed[key] = needed[key] + units
end
for _, key in ipairs(order) do
    local available = tonumber(redis.call('GET', key) or '0')
    if available < needed[key] then
        if ARGV[2] == 'error' then return redis.error_reply('INSUFFICIENT ' .. key) end
        return 0
    end
end
for _, key in ipairs(order) do
    redis.call('DECRBY', key, needed[key])
end
return 1
