'use strict';
// Top self-time functions of a V8 .cpuprofile (from `node --cpu-prof`, e.g.
// `node bench/run.js --cpu-prof --only users-me`).
// `--from`/`--to` (ms since the profile started, ≈ since the process was spawned) keep one
// window, e.g. the measured runs of one scenario (run.js prints the windows).
// `--inclusive` ranks by time with the function anywhere on the stack (self time otherwise).
// Usage: node bench/profile-top.js <file.cpuprofile> [--from ms] [--to ms] [--top 25] [--inclusive]
const { readFileSync } = require('node:fs');
const { relative } = require('node:path');

const args = process.argv.slice(2);
const flag = (name, fallback) => {
  const at = args.indexOf(name);
  return at === -1 ? fallback : Number(args[at + 1]);
};
const inclusive = args.includes('--inclusive');
const file = args.find(
  (arg, i) => !arg.startsWith('--') && !/^--(from|to|top)$/.test(args[i - 1] ?? ''),
);
if (!file) {
  process.stderr.write(
    'usage: node bench/profile-top.js <file.cpuprofile> [--from ms] [--to ms] [--top n] [--inclusive]\n',
  );
  process.exit(2);
}
const fromMicros = flag('--from', 0) * 1000;
const toMicros = flag('--to', Infinity) * 1000;
const topCount = flag('--top', 25);

const profile = JSON.parse(readFileSync(file, 'utf8'));
const byId = new Map(profile.nodes.map((node) => [node.id, node]));
const selfMicros = new Map();
// timeDeltas[i] is the time before samples[i]: charge it to that sample's node.
let at = 0;
profile.samples.forEach((id, i) => {
  const delta = profile.timeDeltas[i] ?? 0;
  at += delta;
  if (at < fromMicros || at > toMicros) return;
  selfMicros.set(id, (selfMicros.get(id) ?? 0) + delta);
});
const total = [...selfMicros.values()].reduce((a, b) => a + b, 0);

const parentOf = new Map();
for (const node of profile.nodes)
  for (const child of node.children ?? []) parentOf.set(child, node.id);
const nameOf = (id) => {
  const { callFrame } = byId.get(id);
  const where = callFrame.url
    ? `${relative(process.cwd(), callFrame.url.replace(/^file:\/\//, ''))}:${callFrame.lineNumber + 1}`
    : '';
  return `${callFrame.functionName || '(anonymous)'} ${where}`.trim();
};
const byFunction = new Map();
for (const [id, micros] of selfMicros) {
  // Inclusive: charge every distinct function on the sample's stack once (recursion counted once).
  const names = new Set([nameOf(id)]);
  if (inclusive)
    for (let up = parentOf.get(id); up !== undefined; up = parentOf.get(up)) names.add(nameOf(up));
  for (const key of names) byFunction.set(key, (byFunction.get(key) ?? 0) + micros);
}
const top = [...byFunction.entries()].sort((a, b) => b[1] - a[1]).slice(0, topCount);
process.stdout.write(`total sampled ${(total / 1e6).toFixed(1)} s\n`);
for (const [name, micros] of top) {
  process.stdout.write(
    `${((micros / total) * 100).toFixed(1).padStart(5)}%  ${(micros / 1000).toFixed(0).padStart(7)} ms  ${name}\n`,
  );
}
