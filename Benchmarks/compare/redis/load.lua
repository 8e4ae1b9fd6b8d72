-- Stocks a catalog: SKUs stock:000000000000 … (ARGV[1] of them, the names
-- redis-benchmark's __rand_int__ makes) with ARGV[2] units each, or, when
-- ARGV[1] is "hot", the one key stock:hot.
local units = ARGV[2]
if ARGV[1] == 'hot' then
    redis.call('SET', 'stock:hot', units)
    return 1
end
local count = tonumber(ARGV[1])
for index = 0, count - 1 do
    redis.call('SET', string.format('stock:%012d', index), units)
end
return count
