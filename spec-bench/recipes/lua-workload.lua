-- spec-bench workload for lua5.4: deterministic, prints only results (compared across builds).
-- Mixes what interpreters spend time on: calls and closures, tables, strings, sorting, floats.
local N = tonumber(arg and arg[1]) or 1

local function fib(n) if n < 2 then return n end return fib(n - 1) + fib(n - 2) end

-- a linear congruential generator, so that every build sees the same numbers
local seed = 12345
local function rand(m) seed = (seed * 1103515245 + 12345) % 2147483648; return seed % m end

local function tables()
  local t, sum = {}, 0
  for i = 1, 200000 do t[i] = rand(1000000) end
  table.sort(t)
  local h = {}
  for i = 1, #t do local k = "k" .. (t[i] % 5000); h[k] = (h[k] or 0) + 1 end
  for k, v in pairs(h) do sum = sum + v * #k end
  return t[1] + t[#t] + sum
end

local function strings()
  local parts = {}
  for i = 1, 40000 do parts[#parts + 1] = string.format("%d:%x;", i, i * 7919) end
  local s = table.concat(parts)
  local count = 0
  for a, b in s:gmatch("(%d+):(%x+);") do if #b > #a then count = count + 1 end end
  return #s, count, (s:gsub("[13579]", "#"):len())
end

local function closures()
  local acc = 0
  local makers = {}
  for i = 1, 1000 do makers[i] = function(x) return x * i + acc end end
  for r = 1, 300 do for i = 1, #makers do acc = (acc + makers[i](r)) % 1000003 end end
  return acc
end

local function floats()
  local x, y = 0.0, 0.0
  for i = 1, 2000000 do x = x + math.sin(i * 0.001) * math.sqrt(i); y = y + (i % 7) / 3.0 end
  return string.format("%.6e %.6e", x, y)
end

for round = 1, N do
  print("round", round)
  print("fib", fib(27))
  print("tables", tables())
  print("strings", strings())
  print("closures", closures())
  print("floats", floats())
end
