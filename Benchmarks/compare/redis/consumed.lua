-- Units taken from a catalog stocked by load.lua with ARGV[2] units per SKU:
-- returns {units consumed over all SKUs, smallest remaining stock of any SKU}.
local initial = tonumber(ARGV[2])
local keys = {}
if ARGV[1] == 'hot' then
    keys[1] = 'stock:hot'
else
    for index = 0, tonumber(ARGV[1]) - 1 do keys[#keys + 1] = string.format('stock:%012d', index) end
end
local consumed = 0
local smallest = nil
for _, key in ipairs(keys) do
    local remaining = tonumber(redis.call('GET', key) or '0')
    consumed = consumed + (initial - remaining)
    if smallest == nil or remaining < smallest then smallest = remaining end
end
return {consumed, smallest}
