// spec-bench workload for QuickJS (qjs): deterministic, prints only results (compared across
// builds). Calls and closures, objects and property lookups, arrays and sorting, strings and
// regular expressions, JSON, typed arrays.
const N = Number(scriptArgs[1] || 1);
let seed = 12345;
function rand(m) { seed = (seed * 1103515245 + 12345) % 2147483648; return seed % m; }
function fib(n) { return n < 2 ? n : fib(n - 1) + fib(n - 2); }

function objects() {
  const pts = [];
  for (let i = 0; i < 100000; i++) pts.push({ x: rand(1000), y: rand(1000), tag: "p" + (i % 97) });
  pts.sort((a, b) => a.x - b.x || a.y - b.y);
  const byTag = new Map();
  for (const p of pts) byTag.set(p.tag, (byTag.get(p.tag) || 0) + p.x * p.y);
  let s = 0;
  for (const [k, v] of byTag) s = (s + v * k.length) % 1000000007;
  return s;
}

function strings() {
  const parts = [];
  for (let i = 0; i < 30000; i++) parts.push(i.toString(16) + ":" + (i * 7919).toString(36));
  const text = parts.join(";");
  let count = 0;
  for (const m of text.matchAll(/([0-9a-f]+):([0-9a-z]+)/g)) if (m[2].length > m[1].length) count++;
  const json = JSON.stringify(parts.slice(0, 5000).map((p, i) => ({ i, p, r: p.split("").reverse().join("") })));
  return [text.length, count, text.replace(/[aeiou]/g, "#").length, JSON.parse(json).length, json.length].join(",");
}

function closures() {
  let acc = 0;
  const fs = [];
  for (let i = 0; i < 1000; i++) fs.push(x => x * i + acc);
  for (let r = 0; r < 200; r++) for (const f of fs) acc = (acc + f(r)) % 1000003;
  return acc;
}

function numbers() {
  const a = new Float64Array(200000);
  for (let i = 0; i < a.length; i++) a[i] = Math.sin(i * 0.001) * Math.sqrt(i);
  let s = 0;
  for (let k = 0; k < 5; k++) for (let i = 0; i < a.length; i++) s += a[i] * (k + 1);
  return s.toExponential(6);
}

for (let round = 1; round <= N; round++) {
  print("round", round);
  print("fib", fib(25));
  print("objects", objects());
  print("strings", strings());
  print("closures", closures());
  print("numbers", numbers());
}
