'use strict';
// A/B of two builds of the service on one route, for a change too small to see across two
// `npm run bench` runs on a shared machine (the same bare app varies 2× within an hour here).
// Both builds run at once, on the first core; the load generator (this process) runs on the
// second. Rounds alternate A-B / B-A, so drift hits both alike; each round prints req/s, the
// service's CPU µs per request (user + system, from /proc) and the local PostgreSQL's, then
// the medians (and the cheapest round's CPU per request, the least disturbed).
//
// Usage: node bench/ab.js <dirA> <dirB>
//          <verify|whoami-apikey|whoami-token|users-me|members|refresh|login>
//          [rounds=6] [seconds=5]
// <dir> is a checkout with `dist/` built (e.g. `git worktree add /tmp/before HEAD~1`, link its
// node_modules, `npx nest build`). Each build gets an empty PostgreSQL database of its own
// (so a change of schema can be compared too), named after AB_DATABASE_URL (default
// postgres://postgres@127.0.0.1:5432/gatehouse_ab) with _a or _b; the script drops and
// creates them. AB_PROFILE=1 runs B with --cpu-prof into bench/results/ab-profile/.
const { spawn, execFileSync } = require('node:child_process');
const { availableParallelism } = require('node:os');
const { join, resolve } = require('node:path');
const autocannon = require('autocannon');
const {
  cpuSeconds,
  createApi,
  httpStatus,
  mainThreadCpuSeconds,
  median,
  postgresCpuSeconds,
} = require('./shared');

const [dirA, dirB, scenario, roundsArg = '6', secondsArg = '5'] = process.argv.slice(2);
const SCENARIOS = [
  'verify',
  'whoami-apikey',
  'whoami-token',
  'users-me',
  'members',
  'refresh',
  'login',
];
if (!dirA || !dirB || !SCENARIOS.includes(scenario)) {
  process.stderr.write(
    `usage: node bench/ab.js <dirA> <dirB> <${SCENARIOS.join('|')}> [rounds] [seconds]\n`,
  );
  process.exit(2);
}
const rounds = Number(roundsArg);
const seconds = Number(secondsArg);
const databaseUrl =
  process.env.AB_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/gatehouse_ab';
const PASSWORD = 'Bench-passw0rd-long-enough!';
const PORTS = { A: 4101, B: 4102 };
const pinned = availableParallelism() >= 2;
const sleep = (ms) => new Promise((done) => setTimeout(done, ms));

function databaseUrlOf(which) {
  const url = new URL(databaseUrl);
  url.pathname = `${url.pathname}_${which.toLowerCase()}`;
  return url.toString();
}

function recreateDatabase(which) {
  const url = new URL(databaseUrlOf(which));
  const name = url.pathname.slice(1);
  url.pathname = '/postgres';
  for (const sql of [`DROP DATABASE IF EXISTS "${name}"`, `CREATE DATABASE "${name}"`]) {
    execFileSync('psql', [url.toString(), '-q', '-c', sql], { stdio: 'ignore' });
  }
}

function startService(dir, which) {
  const nodeArgs =
    process.env.AB_PROFILE && which === 'B'
      ? ['--cpu-prof', `--cpu-prof-dir=${resolve('bench/results/ab-profile')}`]
      : [];
  const serve = [join(resolve(dir), 'bin/serve'), ...nodeArgs];
  const [command, args] = pinned ? ['taskset', ['-c', '0', 'sh', ...serve]] : ['sh', serve];
  // taskset and bin/serve exec, so the child's pid is the service's.
  return spawn(command, args, {
    stdio: ['ignore', 'ignore', 'inherit'],
    env: {
      PATH: process.env.PATH,
      HOME: process.env.HOME,
      DATABASE_URL: databaseUrlOf(which),
      APP_SECRET: 'gatehouse-ab-only-app-secret-0123456789',
      EMAIL_VERIFICATION: 'optional',
      RATE_LIMIT_ENABLED: 'false',
      LOG_LEVEL: 'warn',
      PORT: String(PORTS[which]),
    },
  });
}

async function waitReady(port) {
  for (let attempt = 0; attempt < 150; attempt += 1) {
    if ((await httpStatus(`http://127.0.0.1:${port}/health/ready`)) === 200) return;
    await sleep(200);
  }
  throw new Error(`the service on port ${port} did not become ready`);
}

/** Seeds one build's database through it and returns autocannon's request for the route. */
async function prepare(which) {
  const email = 'owner@ab.example.com';
  const api = createApi(`http://127.0.0.1:${PORTS[which]}`);
  const call = async (...args) => (await api(...args)).body;
  const login = () =>
    call('POST', '/api/v1/auth/login', { body: { identifier: email, password: PASSWORD } });
  const owner = await call('POST', '/api/v1/auth/signup', {
    body: { email, name: 'A/B owner', password: PASSWORD },
  });
  const organization = await call('POST', '/api/v1/organizations', {
    token: owner.accessToken,
    body: { name: 'A/B' },
  });
  // The default monthly quota (10,000) is less than one round.
  execFileSync('psql', [
    databaseUrlOf(which),
    '-q',
    '-c',
    'UPDATE organizations SET quota_limit = 2000000000',
  ]);
  const { key } = await call('POST', `/api/v1/organizations/${organization.id}/api-keys`, {
    token: owner.accessToken,
    body: { name: 'A/B' },
  });
  const { accessToken } = await login();
  const json = { 'content-type': 'application/json' };
  switch (scenario) {
    case 'verify':
      return {
        method: 'POST',
        path: '/api/v1/api-keys/verify',
        headers: json,
        body: JSON.stringify({ key }),
      };
    case 'whoami-apikey':
      return { method: 'GET', path: '/api/v1/whoami', headers: { 'x-api-key': key } };
    case 'whoami-token':
      return {
        method: 'GET',
        path: '/api/v1/whoami',
        headers: { authorization: `Bearer ${accessToken}` },
      };
    case 'users-me':
      return {
        method: 'GET',
        path: '/api/v1/users/me',
        headers: { authorization: `Bearer ${accessToken}` },
      };
    case 'members':
      return {
        method: 'GET',
        path: `/api/v1/organizations/${organization.id}/members`,
        headers: { authorization: `Bearer ${accessToken}` },
      };
    case 'login':
      return {
        method: 'POST',
        path: '/api/v1/auth/login',
        headers: json,
        body: JSON.stringify({ identifier: email, password: PASSWORD }),
      };
    case 'refresh': {
      // Unspent tokens; each answer's successor goes back into the pool.
      const pool = [];
      while (pool.length < 1000) {
        for (const answer of await Promise.all(Array.from({ length: 8 }, login))) {
          pool.push(answer.refreshToken);
        }
      }
      return {
        method: 'POST',
        path: '/api/v1/auth/refresh',
        headers: json,
        setupRequest: (request) => ({
          ...request,
          body: JSON.stringify({ refreshToken: pool.shift() ?? 'pool-exhausted' }),
        }),
        onResponse: (status, body) => {
          if (status === 200) pool.push(JSON.parse(body).refreshToken);
        },
      };
    }
  }
}

async function measure(pid, port, request, duration) {
  const before = cpuSeconds(pid);
  const eventLoopBefore = mainThreadCpuSeconds(pid);
  const postgresBefore = postgresCpuSeconds();
  const result = await autocannon({
    url: `http://127.0.0.1:${port}`,
    connections: 10,
    duration,
    requests: [request],
  });
  if (result.errors || result.timeouts || result.non2xx) {
    throw new Error(
      `errors ${result.errors}, timeouts ${result.timeouts}, non-2xx ${result.non2xx}`,
    );
  }
  return {
    rps: result.requests.average,
    cpuMicrosPerRequest: ((cpuSeconds(pid) - before) * 1e6) / result.requests.total,
    // The main thread alone: the rest is argon2's threads, GC helpers and libuv's pool.
    eventLoopMicrosPerRequest:
      ((mainThreadCpuSeconds(pid) - eventLoopBefore) * 1e6) / result.requests.total,
    postgresMicrosPerRequest:
      ((postgresCpuSeconds() - postgresBefore) * 1e6) / result.requests.total,
  };
}

async function main() {
  if (pinned) execFileSync('taskset', ['-pc', '1', String(process.pid)], { stdio: 'ignore' });
  const services = {};
  for (const [which, dir] of [
    ['A', dirA],
    ['B', dirB],
  ]) {
    recreateDatabase(which);
    services[which] = startService(dir, which);
  }
  try {
    const requests = {};
    for (const which of ['A', 'B']) {
      await waitReady(PORTS[which]);
      requests[which] = await prepare(which);
      await measure(services[which].pid, PORTS[which], requests[which], 3);
    }
    const results = { A: [], B: [] };
    for (let round = 1; round <= rounds; round += 1) {
      for (const which of round % 2 ? ['A', 'B'] : ['B', 'A']) {
        results[which].push(
          await measure(services[which].pid, PORTS[which], requests[which], seconds),
        );
      }
      const line = ['A', 'B'].map((which) => {
        const { rps, cpuMicrosPerRequest, eventLoopMicrosPerRequest, postgresMicrosPerRequest } =
          results[which].at(-1);
        return `${which} ${rps.toFixed(0)} req/s ${cpuMicrosPerRequest.toFixed(0)} µs/req (event loop ${eventLoopMicrosPerRequest.toFixed(0)}, PostgreSQL ${postgresMicrosPerRequest.toFixed(0)})`;
      });
      process.stdout.write(`round ${round}: ${line.join(' | ')}\n`);
    }
    for (const which of ['A', 'B']) {
      const rps = median(results[which].map((result) => result.rps));
      const cpu = median(results[which].map((result) => result.cpuMicrosPerRequest));
      const eventLoop = median(results[which].map((result) => result.eventLoopMicrosPerRequest));
      const postgres = median(results[which].map((result) => result.postgresMicrosPerRequest));
      // On a shared host the same build's cost can swing 2× between rounds; the cheapest round
      // is the one least disturbed, so it is printed too.
      const cheapest = Math.min(...results[which].map((result) => result.cpuMicrosPerRequest));
      process.stdout.write(
        `${which} (${which === 'A' ? dirA : dirB}): median ${rps.toFixed(0)} req/s, ${cpu.toFixed(1)} µs/req (cheapest round ${cheapest.toFixed(1)}), event loop ${eventLoop.toFixed(1)} µs/req, PostgreSQL ${postgres.toFixed(1)} µs/req\n`,
      );
    }
  } finally {
    for (const child of Object.values(services)) child.kill('SIGTERM');
    await sleep(2000); // a profile is written on exit
  }
}

main().catch((error) => {
  process.stderr.write(`${error?.stack ?? error}\n`);
  process.exit(1);
});
