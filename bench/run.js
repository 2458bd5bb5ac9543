'use strict';
/**
 * `npm run bench` — load-tests the built service (dist/) against a bare NestJS + Fastify app.
 * See README.md, "Performance", for what it measures and how to read the table.
 *
 *   node bench/run.js [--quick] [--only <scenario,…>] [--cpu-prof]
 *
 * --quick     CI smoke: 1 s warm-up and 1 run of 2 s per scenario; exits 1 on connection
 *             errors or timeouts (never on speed).
 * --only      run only these scenarios (keys as in the table's first column).
 * --cpu-prof  start the service with `bin/serve --cpu-prof`; the profile is written to a temporary
 *             directory when the service stops, and the harness prints one
 *             `node bench/profile-top.js …` command per scenario to read it.
 * --database-anywhere  leave a local PostgreSQL's backends where the kernel puts them (by
 *             default they are moved off the server's core; see keepDatabaseOffServerCore).
 *
 * BENCH_SERVICE_NODE_OPTIONS, when set, becomes the service's NODE_OPTIONS (e.g. `--trace-gc`).
 *
 * The service gets PostgreSQL and Redis when DATABASE_URL / REDIS_URL are set, else the
 * embedded database in a temporary DATA_DIR. It must be a database the harness may write
 * to: users, an organization and API keys are created through the API (and one superuser
 * through the CLI, to lift the organization's monthly API-key quota).
 */
const { execFileSync, spawn } = require('node:child_process');
const { once } = require('node:events');
const {
  createWriteStream,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  readdirSync,
  rmSync,
  writeFileSync,
} = require('node:fs');
const net = require('node:net');
const { loadavg, tmpdir } = require('node:os');
const { join, resolve } = require('node:path');
const autocannon = require('autocannon');
const { Client } = require('pg');
const { cpuSeconds, createApi, httpStatus, median } = require('./shared');

const ROOT = resolve(__dirname, '..');
const RESULTS_DIR = join(__dirname, 'results');
const CONNECTIONS = 10;
const PASSWORD = 'Bench-pass-7f3k9q2z';

// ---------------------------------------------------------------------------------------------
// Options and modes

function parseArgs(argv) {
  const options = { quick: false, only: null, cpuProf: false, databaseAnywhere: false };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === '--quick') options.quick = true;
    else if (arg === '--cpu-prof') options.cpuProf = true;
    else if (arg === '--database-anywhere') options.databaseAnywhere = true;
    else if (arg === '--only') options.only = argv[++i]?.split(',');
    else if (arg.startsWith('--only=')) options.only = arg.slice(7).split(',');
    else {
      process.stderr.write(
        `unknown option ${arg} (use --quick, --only <a,b>, --cpu-prof, --database-anywhere)\n`,
      );
      process.exit(2);
    }
  }
  return options;
}

const options = parseArgs(process.argv.slice(2));
// A full warm-up lasts 5 s and, for a row with a target, until it has seen `warmupMinRequests`
// requests (at most `warmupMaxSeconds`): V8 optimizes a route's code by the number of calls,
// not by time. 5 s is some 200,000 calls of a token check but 700 sign-ins (argon2-bound),
// whose event-loop work per request was still falling after 3,000 of them (1.5 → 1.0 ms).
// Signup, which has no target, keeps 5 s.
const MODE = options.quick
  ? {
      warmupSeconds: 1,
      warmupMinRequests: 0,
      runs: 1,
      runSeconds: 2,
      refreshPool: 200,
      settleMs: 1500,
    }
  : // PostgreSQL flushes a busy backend's statistics up to 10 s after its last transaction:
    // the settle wait lets them arrive before the "after" snapshot.
    {
      warmupSeconds: 5,
      warmupMinRequests: 4000,
      warmupMaxSeconds: 30,
      runs: 3,
      runSeconds: 10,
      refreshPool: 1000,
      settleMs: 11_000,
    };

const TARGETS = {
  'whoami-token': { kind: 'baseline', min: 50 },
  'whoami-apikey': { kind: 'baseline', min: 50 },
  verify: { kind: 'baseline', min: 40 },
  'users-me': { kind: 'baseline', min: 15 },
  members: { kind: 'baseline', min: 15 },
  login: { kind: 'argon2', min: 80 },
  refresh: { kind: 'rps', min: 1500 },
  signup: null,
};
const unknownScenarios = (options.only ?? []).filter((key) => !(key in TARGETS));
if (unknownScenarios.length > 0) {
  process.stderr.write(
    `unknown scenario ${unknownScenarios.join(', ')} (known: ${Object.keys(TARGETS).join(', ')})\n`,
  );
  process.exit(2);
}
const STARTUP_TARGET_MS = 3000;
const IDLE_RSS_TARGET_MB = 200;
const RSS_GROWTH_LIMIT = 1.2;

// ---------------------------------------------------------------------------------------------
// Small helpers

const sleep = (ms) => new Promise((wake) => setTimeout(wake, ms));
const log = (message) => process.stderr.write(`[bench] ${message}\n`);
const utcDay = (date = new Date()) => date.toISOString().slice(0, 10);

function allowedCpus() {
  const line = readFileSync('/proc/self/status', 'utf8').match(/^Cpus_allowed_list:\s*(.+)$/m);
  if (!line) return [];
  return line[1].split(',').flatMap((part) => {
    const [from, to] = part.split('-').map(Number);
    return Array.from({ length: (to ?? from) - from + 1 }, (_, i) => from + i);
  });
}

function hasTaskset() {
  try {
    execFileSync('taskset', ['-V'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

function uptime() {
  try {
    return execFileSync('uptime', { encoding: 'utf8' }).trim();
  } catch {
    return `load average: ${loadavg()
      .map((n) => n.toFixed(2))
      .join(', ')}`;
  }
}

function freePort() {
  return new Promise((resolvePort, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolvePort(port));
    });
  });
}

/** Resident memory of a process, in MB (VmRSS of /proc/<pid>/status). */
function rssMb(pid) {
  try {
    const match = readFileSync(`/proc/${pid}/status`, 'utf8').match(/^VmRSS:\s+(\d+) kB$/m);
    return match ? Number(match[1]) / 1024 : null;
  } catch {
    return null;
  }
}

// ---------------------------------------------------------------------------------------------
// Core pinning: the server (and the raw argon2 loop) on one core, this process — the load
// generator — on another, so they do not take CPU from each other.

const cpus = allowedCpus();
const PIN = cpus.length >= 2 && hasTaskset() ? { server: cpus[0], load: cpus[1] } : null;
if (PIN) {
  // -a: every thread of this process (libuv pool, V8 helpers), not just the main one.
  execFileSync('taskset', ['-a', '-cp', String(PIN.load), String(process.pid)], {
    stdio: 'ignore',
  });
}

const LOCAL_HOSTS = new Set(['', 'localhost', '127.0.0.1', '[::1]']);

/**
 * Why a local PostgreSQL's backends cannot be moved off the server's core, or null when they
 * can: the embedded database runs inside the service, and a remote server's pids are not ours.
 */
function databasePinningRefusal() {
  if (!PIN) return 'no core pinning';
  if (options.databaseAnywhere) return 'left where the kernel puts them (--database-anywhere)';
  if (!process.env.DATABASE_URL) return 'embedded in the service';
  const url = new URL(process.env.DATABASE_URL);
  const socketDir = url.searchParams.get('host') ?? '';
  if (!LOCAL_HOSTS.has(url.hostname) && !socketDir.startsWith('/')) return 'not local';
  return null;
}

/**
 * Moves the PostgreSQL backends serving the bench database to the load generator's core.
 * The kernel wakes a backend on the core of the process that wrote to it, so an unpinned
 * PostgreSQL runs much of its share of a database-reading route on the server's core and
 * preempts the service there: measured on /users/me, 9,400 → 12,100 req/s once moved. On a
 * real deployment the database has cores (usually a machine) of its own, and the bare
 * baseline has its core to itself. Called after each warm-up, when the pool has all its
 * connections. Returns how many backends were moved.
 */
async function keepDatabaseOffServerCore(stats) {
  if (databasePinningRefusal() || !stats) return 0;
  let rows;
  try {
    ({ rows } = await stats.client.query(
      `SELECT pid FROM pg_stat_activity
        WHERE datname = current_database() AND backend_type = 'client backend'`,
    ));
  } catch (error) {
    log(`PostgreSQL backends not listed: ${error.message}`);
    return 0;
  }
  let moved = 0;
  for (const { pid } of rows) {
    // Only PostgreSQL's own processes on this machine (a pid from elsewhere is not ours).
    let command = '';
    try {
      command = readFileSync(`/proc/${pid}/comm`, 'utf8').trim();
    } catch {
      continue;
    }
    if (command !== 'postgres') continue;
    try {
      execFileSync('taskset', ['-cp', String(PIN.load), String(pid)], { stdio: 'ignore' });
      moved += 1;
    } catch {
      // Not permitted (another user's server): it stays where the kernel puts it.
    }
  }
  return moved;
}

// ---------------------------------------------------------------------------------------------
// Child processes (the only processes this script ever stops are these)

const children = new Set();

function spawnNode(name, nodeArgs, env, logPath) {
  return spawnOnServerCore(name, process.execPath, nodeArgs, env, logPath);
}

function spawnOnServerCore(name, program, args, env, logPath) {
  const [command, argv] = PIN
    ? ['taskset', ['-c', String(PIN.server), program, ...args]]
    : [program, args];
  // taskset (and bin/serve) exec node in place: the child's pid is the server's pid.
  const child = spawn(command, argv, { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
  const tail = [];
  let file = null; // created on the first output: a quiet server leaves no empty log
  const keep = (chunk) => {
    if (logPath) {
      file ??= createWriteStream(logPath);
      file.write(chunk);
    }
    tail.push(...chunk.toString().split('\n').filter(Boolean));
    if (tail.length > 40) tail.splice(0, tail.length - 40);
  };
  child.stdout.on('data', keep);
  child.stderr.on('data', keep);
  const exited = once(child, 'exit');
  child.on('exit', () => {
    children.delete(child);
    file?.end();
  });
  children.add(child);
  return { name, child, tail, exited };
}

async function stopProcess(proc) {
  const { child, exited } = proc;
  if (child.exitCode !== null || child.signalCode !== null) return;
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), 20_000);
  await exited;
  clearTimeout(timer);
}

function killChildrenNow() {
  for (const child of children) child.kill('SIGKILL');
}
process.on('exit', killChildrenNow);
for (const signal of ['SIGINT', 'SIGTERM']) {
  process.on(signal, () => {
    killChildrenNow();
    process.exit(130);
  });
}

/** Milliseconds from `since` until `url` answers 200. */
async function waitUntilOk(proc, url, since, timeoutMs = 90_000) {
  for (;;) {
    if (proc.child.exitCode !== null || proc.child.signalCode !== null) {
      throw new Error(`${proc.name} exited before it was ready:\n${proc.tail.join('\n')}`);
    }
    if ((await httpStatus(url)) === 200) return performance.now() - since;
    if (performance.now() - since > timeoutMs) {
      throw new Error(`${proc.name} not ready after ${timeoutMs} ms:\n${proc.tail.join('\n')}`);
    }
    await sleep(20);
  }
}

// ---------------------------------------------------------------------------------------------
// The service

function serviceEnv(port, dataDir) {
  const env = {
    PATH: process.env.PATH,
    HOME: process.env.HOME,
    NODE_ENV: 'development',
    PORT: String(port),
    HOST: '127.0.0.1',
    APP_URL: `http://127.0.0.1:${port}`,
    DATA_DIR: dataDir,
    RATE_LIMIT_ENABLED: 'false',
    LOG_LEVEL: 'warn',
    EMAIL_VERIFICATION: 'optional',
  };
  if (process.env.BENCH_SERVICE_NODE_OPTIONS) {
    env.NODE_OPTIONS = process.env.BENCH_SERVICE_NODE_OPTIONS;
  }
  if (process.env.DATABASE_URL) {
    env.DATABASE_URL = process.env.DATABASE_URL;
    // A server database outlives this run: its signing keys are sealed with APP_SECRET, so
    // every run must use the same one (a fresh DATA_DIR would otherwise generate another).
    env.APP_SECRET = process.env.APP_SECRET ?? 'gatehouse-bench-only-app-secret-0123456789';
  }
  if (process.env.REDIS_URL) {
    env.REDIS_URL = process.env.REDIS_URL;
    // Our own keys and channels: a shared Redis may serve other instances or tests.
    env.REDIS_KEY_PREFIX = process.env.REDIS_KEY_PREFIX ?? `gatehouse-bench-${process.pid}:`;
  }
  return env;
}

const PROFILE_DIR = options.cpuProf ? mkdtempSync(join(tmpdir(), 'gatehouse-bench-prof-')) : null;

/** Started as `npm start` starts it (bin/serve: the same Node and malloc settings). */
async function startService(env, label) {
  const started = performance.now();
  const proc = spawnOnServerCore(
    `service (${label})`,
    join(ROOT, 'bin/serve'),
    PROFILE_DIR ? ['--cpu-prof', '--cpu-prof-dir', PROFILE_DIR] : [],
    env,
    join(RESULTS_DIR, `${STAMP}-service-${label}.log`),
  );
  const startupMs = await waitUntilOk(proc, `http://127.0.0.1:${env.PORT}/health/ready`, started);
  return { ...proc, startupMs, spawnedAt: started };
}

function runCli(env, args) {
  return execFileSync(process.execPath, ['dist/cli.js', ...args], {
    cwd: ROOT,
    env,
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'pipe'],
  });
}

// ---------------------------------------------------------------------------------------------
// Database statistics (pg_stat_database of the service's database)

const STATS_SQL = `SELECT xact_commit, xact_rollback, tup_returned, tup_fetched, tup_inserted,
  tup_updated, tup_deleted FROM pg_stat_database WHERE datname = current_database()`;
const STAT_FIELDS = [
  'xact_commit',
  'xact_rollback',
  'tup_returned',
  'tup_fetched',
  'tup_inserted',
  'tup_updated',
  'tup_deleted',
];

// Per table, to see where the rows come from (JSON only).
const TABLE_STATS_SQL = `SELECT relname, seq_scan, seq_tup_read, idx_scan, idx_tup_fetch, n_tup_ins,
  n_tup_upd, n_tup_del FROM pg_stat_user_tables`;
const TABLE_FIELDS = [
  'seq_scan',
  'seq_tup_read',
  'idx_scan',
  'idx_tup_fetch',
  'n_tup_ins',
  'n_tup_upd',
  'n_tup_del',
];

async function openStats(dataDir) {
  let config;
  if (process.env.DATABASE_URL) {
    config = { connectionString: process.env.DATABASE_URL };
  } else {
    // The embedded database is served on a Unix socket named by the lock file.
    const lock = JSON.parse(readFileSync(join(dataDir, 'pglite.lock'), 'utf8'));
    config = { host: lock.socketDir, port: 5432, user: 'postgres', database: 'postgres' };
  }
  const client = new Client(config);
  try {
    await client.connect();
    const stats = {
      client,
      async read() {
        try {
          const { rows } = await client.query(STATS_SQL);
          if (rows.length === 0) return null;
          const totals = Object.fromEntries(
            STAT_FIELDS.map((field) => [field, Number(rows[0][field])]),
          );
          const tables = await client.query(TABLE_STATS_SQL);
          totals.tables = Object.fromEntries(
            tables.rows.map((row) => [
              row.relname,
              Object.fromEntries(TABLE_FIELDS.map((field) => [field, Number(row[field] ?? 0)])),
            ]),
          );
          return totals;
        } catch (error) {
          log(`pg_stat_database unreadable: ${error.message}`);
          return null;
        }
      },
    };
    return stats;
  } catch (error) {
    log(`no statistics connection: ${error.message}`);
    await client.end().catch(() => {});
    return null;
  }
}

function statsDelta(before, after, requests) {
  if (!before || !after || !requests) return null;
  const perRequest = {};
  for (const field of STAT_FIELDS) perRequest[field] = (after[field] - before[field]) / requests;
  perRequest.tables = {};
  for (const [table, counts] of Object.entries(after.tables)) {
    const previous = before.tables[table] ?? {};
    const delta = {};
    for (const field of TABLE_FIELDS) {
      const change = Number(((counts[field] - (previous[field] ?? 0)) / requests).toFixed(3));
      if (change !== 0) delta[field] = change;
    }
    if (Object.keys(delta).length > 0) perRequest.tables[table] = delta;
  }
  return perRequest;
}

// ---------------------------------------------------------------------------------------------
// Load generation

/** One autocannon run; `rps` counts every answer over the time until the last one. */
function cannon(options) {
  return new Promise((resolveRun, reject) => {
    const started = performance.now();
    let last = started;
    const instance = autocannon({ connections: CONNECTIONS, ...options }, (error, result) => {
      if (error) return reject(error);
      const seconds = (last - started) / 1000;
      resolveRun({
        requests: result.requests.total,
        seconds,
        rps: seconds > 0 ? result.requests.total / seconds : 0,
        p50: result.latency.p50,
        p99: result.latency.p99,
        errors: result.errors,
        timeouts: result.timeouts,
        non2xx: result.non2xx,
        ok2xx: result['2xx'],
        statusCodes: result.statusCodeStats,
      });
    });
    instance.on('response', () => {
      last = performance.now();
    });
  });
}

/** autocannon options for one run of a scenario: fixed, or a request built per call. */
function loadOptions(base, scenario, run) {
  const options = run.amount ? { amount: run.amount } : { duration: run.seconds };
  const first = scenario.request();
  if (!scenario.dynamic) {
    return {
      ...options,
      url: base + first.path,
      method: first.method,
      headers: first.headers,
      body: first.body,
    };
  }
  return {
    ...options,
    url: base,
    requests: [
      {
        method: first.method,
        path: first.path,
        headers: first.headers,
        setupRequest: (request) => {
          const next = scenario.request();
          request.method = next.method;
          request.path = next.path;
          request.headers = next.headers;
          request.body = next.body;
          return request;
        },
        ...(scenario.onResponse ? { onResponse: scenario.onResponse } : {}),
      },
    ],
  };
}

function jsonRequest(method, path, headers, body) {
  return {
    method,
    path,
    headers: body === undefined ? headers : { ...headers, 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  };
}

/** Warm-up, then the measured runs; the row reports the median run (by req/s). */
async function measure(base, scenario, pid, hooks = {}) {
  const warmups = [
    await cannon(
      loadOptions(base, scenario, scenario.warmup?.() ?? { seconds: MODE.warmupSeconds }),
    ),
  ];
  const short = MODE.warmupMinRequests - warmups[0].requests;
  if (TARGETS[scenario.key] && short > 0 && warmups[0].rps > 0) {
    const seconds = Math.ceil(
      Math.min(MODE.warmupMaxSeconds - warmups[0].seconds, short / warmups[0].rps),
    );
    if (seconds >= 1) {
      log(
        `${scenario.key}: ${warmups[0].requests} requests in the warm-up's first ` +
          `${Math.round(warmups[0].seconds)} s; ${seconds} s more`,
      );
      // A row sized by request count (the X-API-Key row, for the usage check) stays so.
      const more = scenario.warmup
        ? { amount: Math.max(CONNECTIONS, Math.round(seconds * warmups[0].rps)) }
        : { seconds };
      warmups.push(await cannon(loadOptions(base, scenario, more)));
    }
  }
  const warmup = warmups.at(-1);
  await hooks.afterWarmup?.(warmup);
  const runs = [];
  // The server's own CPU time (every thread: event loop, libuv pool, GC) over the runs alone,
  // not the reference measurements between them. Less sensitive than req/s to a load
  // generator or database slowed by other work on the machine.
  let cpu = 0;
  for (let i = 0; i < MODE.runs; i++) {
    await hooks.beforeRun?.();
    const plan =
      typeof scenario.run === 'function' ? scenario.run(warmup) : { seconds: MODE.runSeconds };
    const cpuFrom = cpuSeconds(pid);
    runs.push(await cannon(loadOptions(base, scenario, plan)));
    cpu += cpuSeconds(pid) - cpuFrom;
  }
  await hooks.afterRuns?.();
  const runRequests = runs.reduce((total, run) => total + run.requests, 0);
  const byRate = [...runs].sort((a, b) => a.rps - b.rps);
  const mid = byRate[Math.floor(byRate.length / 2)];
  const all = [...warmups, ...runs];
  const sum = (field) => all.reduce((total, run) => total + run[field], 0);
  return {
    rps: mid.rps,
    rpsRuns: runs.map((run) => run.rps),
    cpuMicrosPerRequest: runRequests > 0 ? (cpu * 1e6) / runRequests : null,
    // Share of one core the server used while answering: near 100% means the server was the
    // bottleneck. Over each run's own span (start to last answer), not the wall clock: with a
    // fixed request count autocannon reports only at its next 1-s tick, idle time that made a
    // saturated server look 91–95% busy.
    serverBusyPct: (cpu / runs.reduce((total, run) => total + run.seconds, 0)) * 100,
    p50: mid.p50,
    p99: mid.p99,
    // Over the warm-up and every run.
    requests: sum('requests'),
    ok2xx: sum('ok2xx'),
    errors: sum('errors'),
    timeouts: sum('timeouts'),
    non2xx: sum('non2xx'),
    statusCodes: all.map((run) => run.statusCodes),
    warmups,
    runs,
  };
}

// ---------------------------------------------------------------------------------------------
// Measurements outside the service

async function measureArgon2(concurrency) {
  const proc = spawnNode('argon2', ['bench/argon2-rate.js', '3', String(concurrency)], process.env);
  const [code] = await proc.exited;
  if (code !== 0) throw new Error(`argon2 measurement failed:\n${proc.tail.join('\n')}`);
  return JSON.parse(proc.tail[proc.tail.length - 1]);
}

/** The bare app, kept running (idle between its measurements) on the server core. */
async function startBare() {
  const port = await freePort();
  const started = performance.now();
  const proc = spawnNode('bare server', ['bench/bare-server.js'], {
    ...process.env,
    PORT: String(port),
    HOST: '127.0.0.1',
  });
  try {
    const startupMs = await waitUntilOk(proc, `http://127.0.0.1:${port}/`, started);
    return { proc, base: `http://127.0.0.1:${port}`, startupMs };
  } catch (error) {
    await stopProcess(proc);
    throw error;
  }
}

const BARE_GET = { request: () => ({ method: 'GET', path: '/' }) };

/** The bare app's GET: the 100% of every "% base" target. */
function measureBareGet(bare) {
  return measure(bare.base, BARE_GET, bare.proc.child.pid);
}

/**
 * Runs of the bare GET to interleave with a row's runs: `one()` before each of them and after
 * the last (the first call warms the bare app up), so each run has a baseline on either side.
 */
function bareGetBeside(bare) {
  const runs = [];
  const one = async () => {
    if (runs.length === 0) {
      await cannon(loadOptions(bare.base, BARE_GET, { seconds: MODE.warmupSeconds }));
    }
    const cpuFrom = cpuSeconds(bare.proc.child.pid);
    const run = await cannon(loadOptions(bare.base, BARE_GET, { seconds: MODE.runSeconds }));
    runs.push({ ...run, cpuSeconds: cpuSeconds(bare.proc.child.pid) - cpuFrom });
  };
  return { runs, one };
}

/** Each run's rate as a % of the mean of the two reference rates measured beside it. */
function ratiosBeside(runs, references) {
  return runs.map((run, i) => (run.rps / ((references[i] + references[i + 1]) / 2)) * 100);
}

async function measureBaseline(bare) {
  const result = await measureBareGet(bare);
  const rssAfterMb = rssMb(bare.proc.child.pid);
  // Not a target's 100%: shows what a JSON body alone costs the framework (POST rows).
  const post = await measure(
    bare.base,
    { request: () => jsonRequest('POST', '/', {}, { key: 'gk_reference' }) },
    bare.proc.child.pid,
  );
  return {
    ...result,
    startupMs: bare.startupMs,
    rssAfterMb,
    post: { ...post, rssAfterMb: rssMb(bare.proc.child.pid) },
  };
}

// ---------------------------------------------------------------------------------------------
// Seeding, through the API (and the CLI for the one superuser)

async function seed(api, env, runId) {
  const email = (who) => `${who}-${runId}@bench.example.com`;
  const signup = async (who) => {
    const { body } = await api('POST', '/api/v1/auth/signup', {
      body: { email: email(who), name: `Bench ${who}`, password: PASSWORD },
    });
    if (!body.accessToken) throw new Error(`signup did not sign in: ${JSON.stringify(body)}`);
    return { email: email(who), id: body.user.id, accessToken: body.accessToken };
  };
  const login = async (identifier) =>
    (await api('POST', '/api/v1/auth/login', { body: { identifier, password: PASSWORD } })).body;

  const owner = await signup('owner');
  const member = await signup('member');

  // The only way to a superuser is the CLI; the superuser lifts the API-key quota (10,000 a
  // month by default, less than one run) and vouches for the member's email.
  runCli(env, ['createsuperuserauto', '--email', email('root'), '--password', PASSWORD]);
  const root = await login(email('root'));

  const { body: organization } = await api('POST', '/api/v1/organizations', {
    token: owner.accessToken,
    body: { name: `Bench ${runId}` },
  });
  await api('PATCH', `/api/v1/admin/organizations/${organization.id}`, {
    token: root.accessToken,
    body: { quotaLimit: 2_000_000_000 },
  });
  await api('PATCH', `/api/v1/admin/users/${member.id}`, {
    token: root.accessToken,
    body: { emailVerified: true },
  });
  await api('POST', `/api/v1/organizations/${organization.id}/invitations`, {
    token: owner.accessToken,
    body: { email: member.email, role: 'member' },
  });
  const { body: invitations } = await api('GET', '/api/v1/invitations', {
    token: member.accessToken,
  });
  if (invitations.items.length !== 1) throw new Error('the member sees no invitation');
  await api('POST', `/api/v1/invitations/${invitations.items[0].id}/accept`, {
    token: member.accessToken,
  });

  const createKey = async (name) =>
    (
      await api('POST', `/api/v1/organizations/${organization.id}/api-keys`, {
        token: owner.accessToken,
        body: { name },
      })
    ).body;
  const whoamiKey = await createKey('bench whoami');
  const verifyKey = await createKey('bench verify');

  return { owner, member, organization, whoamiKey, verifyKey, login };
}

// ---------------------------------------------------------------------------------------------
// Output

const fmt = {
  int: (n) => (n === null || n === undefined ? '-' : Math.round(n).toLocaleString('en-US')),
  ms: (n) => (n === null || n === undefined ? '-' : String(n)),
  mb: (n) => (n === null || n === undefined ? '-' : n.toFixed(0)),
  pct: (n) => (n === null || n === undefined ? '-' : `${n.toFixed(0)}%`),
  per: (n) => (n === null || n === undefined ? 'n/a' : n.toFixed(2)),
};

function table(headers, rows) {
  const widths = headers.map((header, i) =>
    Math.max(header.length, ...rows.map((row) => String(row[i]).length)),
  );
  const line = (cells) =>
    `| ${cells.map((cell, i) => (i === 0 ? String(cell).padEnd(widths[i]) : String(cell).padStart(widths[i]))).join(' | ')} |`;
  return [
    line(headers),
    `|${widths.map((w, i) => (i === 0 ? `:${'-'.repeat(w + 1)}` : `${'-'.repeat(w + 1)}:`)).join('|')}|`,
    ...rows.map(line),
  ].join('\n');
}

function describeTarget(target) {
  if (!target) return '-';
  if (target.kind === 'baseline') return `≥ ${target.min}% base`;
  if (target.kind === 'argon2') return `≥ ${target.min}% argon2`;
  return `≥ ${fmt.int(target.min)} req/s`;
}

// ---------------------------------------------------------------------------------------------
// Main

const STAMP = new Date().toISOString().replace(/[:.]/g, '-');

async function main() {
  mkdirSync(RESULTS_DIR, { recursive: true });
  const database = process.env.DATABASE_URL ? 'postgresql' : 'embedded (pglite)';
  const runId = `${Date.now().toString(36)}${process.pid.toString(36)}`;
  const report = {
    startedAt: new Date().toISOString(),
    quick: options.quick,
    mode: MODE,
    connections: CONNECTIONS,
    database,
    redis: Boolean(process.env.REDIS_URL),
    node: process.version,
    pinning: PIN ?? 'none (fewer than 2 cores or no taskset)',
    loadBefore: uptime(),
  };
  log(`${database}${report.redis ? ' + redis' : ''}; ${options.quick ? 'quick' : 'full'} run`);
  log(PIN ? `server on core ${PIN.server}, load generator on core ${PIN.load}` : 'no core pinning');
  log(report.loadBefore);

  const wanted = (key) => !options.only || options.only.includes(key);

  log('raw argon2 verification rate (3 s, 1 loop, then 4 loops, on the server core)');
  report.argon2 = await measureArgon2(1);
  report.argon2Pool = await measureArgon2(4);

  log('baseline: bare NestJS + Fastify GET');
  const bare = await startBare();
  report.baseline = await measureBaseline(bare);
  let failed = report.baseline.errors > 0 || report.baseline.post.errors > 0;

  const dataDir = mkdtempSync(join(tmpdir(), 'gatehouse-bench-'));
  const port = await freePort();
  const env = serviceEnv(port, dataDir);
  const base = `http://127.0.0.1:${port}`;
  const api = createApi(base);
  let service = null;
  let stats = null;
  // The most PostgreSQL backends moved off the server's core after one scenario's warm-up.
  let databaseBackendsMoved = 0;
  const rows = [];
  try {
    // First start: an empty DATA_DIR (and, on a fresh database, every migration).
    log('start-up: first start');
    service = await startService(env, 'first');
    report.startupFirstMs = service.startupMs;
    await stopProcess(service);
    log('start-up: restart');
    service = await startService(env, 'restart');
    report.startupMs = service.startupMs;
    await sleep(1000);
    report.idleRssAtStartMb = rssMb(service.child.pid);

    stats = await openStats(dataDir);
    const statsBeforeSeed = await stats?.read();
    log('seeding users, an organization and API keys');
    const seeded = await seed(api, env, runId);
    const { member, organization, whoamiKey, verifyKey } = seeded;
    const freshAccessTokenOf = async (email) => (await seeded.login(email)).accessToken;
    const freshAccessToken = () => freshAccessTokenOf(member.email);

    // Calls made with the whoami key outside autocannon, for the usage check.
    let whoamiKeySeedCalls = 0;
    await api('GET', '/api/v1/whoami', { apiKey: whoamiKey.key });
    whoamiKeySeedCalls += 1;

    await sleep(MODE.settleMs);
    const statsAfterSeed = await stats?.read();
    // PGlite may keep no statistics: then every "queries per request" is n/a.
    const statsWork = Boolean(
      statsBeforeSeed && statsAfterSeed && statsAfterSeed.xact_commit > statsBeforeSeed.xact_commit,
    );
    report.dbStats = statsWork ? 'pg_stat_database' : 'n/a (no statistics)';
    if (!statsWork) log('pg_stat_database does not move: queries per request are n/a');
    report.idleRssAfterSeedMb = rssMb(service.child.pid);

    const refreshPool = [];
    let signups = 0;
    const harvest = (status, body) => {
      if (status !== 200) return;
      try {
        refreshPool.push(JSON.parse(body).refreshToken);
      } catch {
        // not a token response
      }
    };

    const scenarios = [
      {
        key: 'whoami-token',
        name: 'GET /whoami (access token)',
        prepare: async (s) => {
          const token = await freshAccessToken();
          s.request = () => ({
            method: 'GET',
            path: '/api/v1/whoami',
            headers: { authorization: `Bearer ${token}` },
          });
        },
      },
      {
        key: 'whoami-apikey',
        name: 'GET /whoami (X-API-Key)',
        // A fixed number of requests, so no answer is cut off at the end of a run and the
        // key's recorded usage can be compared exactly with the 2xx count.
        // The warm-up's size is guessed from the token scenario (a similar path) when it ran.
        warmup: () => {
          const similar =
            rows.find((row) => row.key === 'whoami-token')?.rps ?? report.baseline.rps * 0.25;
          return { amount: Math.max(CONNECTIONS, Math.round(similar * MODE.warmupSeconds)) };
        },
        run: (warmup) => ({
          amount: Math.max(CONNECTIONS, Math.round(warmup.rps * MODE.runSeconds)),
        }),
        request: () => ({
          method: 'GET',
          path: '/api/v1/whoami',
          headers: { 'x-api-key': whoamiKey.key },
        }),
        after: async (row) => {
          await sleep(2000);
          const { body } = await api(
            'GET',
            `/api/v1/organizations/${organization.id}/api-keys/${whoamiKey.id}/usage?from=${report.startedAt.slice(0, 10)}&to=${utcDay()}`,
            { token: await freshAccessTokenOf(seeded.owner.email) },
          );
          const expected = row.ok2xx + whoamiKeySeedCalls;
          report.usageCheck = { recorded: body.total, expected, exact: body.total === expected };
        },
      },
      {
        key: 'verify',
        name: 'POST /api-keys/verify',
        request: () => jsonRequest('POST', '/api/v1/api-keys/verify', {}, { key: verifyKey.key }),
        check: (body) => body.valid === true,
      },
      {
        key: 'users-me',
        name: 'GET /users/me',
        prepare: async (s) => {
          const token = await freshAccessToken();
          s.request = () => ({
            method: 'GET',
            path: '/api/v1/users/me',
            headers: { authorization: `Bearer ${token}` },
          });
        },
      },
      {
        key: 'members',
        name: 'GET /organizations/:id/members',
        prepare: async (s) => {
          const token = await freshAccessToken();
          s.request = () => ({
            method: 'GET',
            path: `/api/v1/organizations/${organization.id}/members`,
            headers: { authorization: `Bearer ${token}` },
          });
        },
      },
      {
        key: 'login',
        name: 'POST /auth/login',
        dynamic: true, // for onResponse: every answer's refresh token goes to the refresh pool
        request: () =>
          jsonRequest(
            'POST',
            '/api/v1/auth/login',
            {},
            { identifier: member.email, password: PASSWORD },
          ),
        onResponse: harvest,
      },
      {
        key: 'refresh',
        name: 'POST /auth/refresh',
        dynamic: true,
        prepare: async () => {
          // A pool of unspent refresh tokens (the login scenario's answers, topped up by
          // logins). Each request spends the oldest; each answer's new token joins the pool,
          // so the pool lasts for any run length and no token is ever sent twice.
          while (refreshPool.length < MODE.refreshPool) {
            const batch = Math.min(8, MODE.refreshPool - refreshPool.length);
            const answers = await Promise.all(
              Array.from({ length: batch }, () => seeded.login(member.email)),
            );
            for (const answer of answers) refreshPool.push(answer.refreshToken);
          }
        },
        request: () => {
          const token = refreshPool.shift() ?? 'pool-exhausted';
          return jsonRequest('POST', '/api/v1/auth/refresh', {}, { refreshToken: token });
        },
        onResponse: harvest,
      },
      {
        key: 'signup',
        name: 'POST /auth/signup',
        dynamic: true,
        request: () => {
          signups += 1;
          return jsonRequest(
            'POST',
            '/api/v1/auth/signup',
            {},
            {
              email: `signup-${runId}-${signups}@bench.example.com`,
              name: 'Bench signup',
              password: PASSWORD,
            },
          );
        },
      },
    ];

    let rssAfterFirstWarmup = null;
    for (const scenario of scenarios.filter((s) => wanted(s.key))) {
      await scenario.prepare?.(scenario);
      // One request first: it must succeed, or the numbers would describe an error path.
      const probe = scenario.request();
      const probed = await api(probe.method, probe.path, {
        token: probe.headers?.authorization?.slice(7),
        apiKey: probe.headers?.['x-api-key'],
        body: probe.body === undefined ? undefined : JSON.parse(probe.body),
      });
      if (scenario.check && !scenario.check(probed.body)) {
        throw new Error(`${scenario.key}: unexpected answer ${JSON.stringify(probed.body)}`);
      }
      if (scenario.key === 'whoami-apikey') whoamiKeySeedCalls += 1;
      if (scenario.onResponse) scenario.onResponse(probed.status, JSON.stringify(probed.body));

      log(`${scenario.key}: warm-up ${MODE.warmupSeconds} s, ${MODE.runs} × ${MODE.runSeconds} s`);
      const rssBefore = rssMb(service.child.pid);
      const before = statsWork ? await stats.read() : null;
      let runsFrom = 0;
      // The login row's reference: the raw argon2 rate before each run and after the last.
      // This machine's rate drifts by ±15% within minutes (120 and 150/s 40 s apart in one
      // run), so each run is compared with the two measurements on either side of it.
      const argon2Around = [];
      const measureArgon2Beside = async () => argon2Around.push(await measureArgon2(1));
      const argon2Row = TARGETS[scenario.key]?.kind === 'argon2';
      if (argon2Row)
        log('raw argon2 verification rate (1 loop) before each run and after the last');
      // A "% base" row's reference: the bare GET, likewise before each run and after the last.
      // On a shared machine the same bare app's rate moves by half within minutes (16,000 to
      // 32,000 req/s in one hour; 15,600 to 28,700 in ten minutes on another machine), so
      // each ratio compares measurements taken seconds apart. (Not in the smoke test, which
      // checks no speed.)
      const baselineRow = TARGETS[scenario.key]?.kind === 'baseline' && !options.quick;
      const bareBeside = baselineRow ? bareGetBeside(bare) : null;
      if (baselineRow) log('bare GET before each run and after the last');
      const referenceBeside = bareBeside?.one ?? (argon2Row ? measureArgon2Beside : null);
      const result = await measure(base, scenario, service.child.pid, {
        ...(referenceBeside ? { beforeRun: referenceBeside, afterRuns: referenceBeside } : {}),
        afterWarmup: async () => {
          if (rssAfterFirstWarmup === null) rssAfterFirstWarmup = rssMb(service.child.pid);
          databaseBackendsMoved = Math.max(
            databaseBackendsMoved,
            await keepDatabaseOffServerCore(stats),
          );
          runsFrom = performance.now();
        },
      });
      // The measured runs, in ms since the service was spawned (for bench/profile-top.js).
      const runsWindowMs = [runsFrom, performance.now()].map((at) =>
        Math.round(at - service.spawnedAt),
      );
      if (argon2Row) report.argon2AroundLogin = argon2Around.map((m) => m.verifiesPerSecond);
      await sleep(MODE.settleMs);
      const after = statsWork ? await stats.read() : null;
      const rssAfter = rssMb(service.child.pid);
      // The baseline beside the row's runs, else the one measured at the start.
      const baselineRuns = bareBeside?.runs ?? null;
      const baselineBeside = baselineRuns && {
        rps: baselineRuns.reduce((total, run) => total + run.rps, 0) / baselineRuns.length,
        cpuMicrosPerRequest:
          (baselineRuns.reduce((total, run) => total + run.cpuSeconds, 0) * 1e6) /
          baselineRuns.reduce((total, run) => total + run.requests, 0),
      };
      if (baselineRuns?.some((run) => run.errors > 0)) failed = true;
      const reference = baselineBeside ?? report.baseline;
      const pctOfBaselineRuns = baselineRuns
        ? ratiosBeside(
            result.runs,
            baselineRuns.map((run) => run.rps),
          )
        : null;
      const row = {
        key: scenario.key,
        name: scenario.name,
        ...result,
        // Only rows with a "% base" target measure the baseline beside their runs.
        baselineBesideRps: baselineBeside ? baselineBeside.rps : null,
        baselineRunsRps: baselineRuns?.map((run) => run.rps) ?? null,
        pctOfBaselineRuns,
        // The median of the runs' ratios, as req/s is the median run's.
        pctOfBaseline: pctOfBaselineRuns
          ? median(pctOfBaselineRuns)
          : (result.rps / reference.rps) * 100,
        pctOfFirstBaseline: (result.rps / report.baseline.rps) * 100,
        // Capacity against the baseline by CPU cost: baseline µs per request / this row's.
        pctOfBaselineByCpu:
          result.cpuMicrosPerRequest && reference.cpuMicrosPerRequest
            ? (reference.cpuMicrosPerRequest / result.cpuMicrosPerRequest) * 100
            : null,
        rssBeforeMb: rssBefore,
        rssAfterMb: rssAfter,
        // Over the warm-up and the runs; includes the service's background jobs meanwhile.
        dbPerRequest: statsDelta(before, after, result.requests),
        runsWindowMs,
      };
      const target = TARGETS[scenario.key];
      row.target = target ? describeTarget(target) : '-';
      if (target?.kind === 'baseline') row.pass = row.pctOfBaseline >= target.min;
      if (target?.kind === 'argon2') {
        const raw = report.argon2AroundLogin;
        row.pctOfArgon2Runs = ratiosBeside(result.runs, raw);
        row.argon2PerSecond = raw.reduce((total, rate) => total + rate, 0) / raw.length;
        row.pctOfArgon2 = median(row.pctOfArgon2Runs);
        row.pass = row.pctOfArgon2 >= target.min;
      }
      if (target?.kind === 'rps') row.pass = row.rps >= target.min;
      await scenario.after?.(row);
      rows.push(row);
      if (row.errors > 0) failed = true;
      log(
        `${scenario.key}: ${fmt.int(row.rps)} req/s (runs ${row.rpsRuns.map(fmt.int).join(', ')}), ` +
          `${row.errors} errors, ${row.non2xx} non-2xx`,
      );
    }
    report.rssAfterFirstWarmupMb = rssAfterFirstWarmup;
    report.databasePinning =
      databasePinningRefusal() ??
      (databaseBackendsMoved > 0
        ? `${databaseBackendsMoved} PostgreSQL backends moved to core ${PIN.load}`
        : 'PostgreSQL backends could not be moved');
    report.rssFinalMb = rssMb(service.child.pid);
  } finally {
    await stats?.client.end().catch(() => {});
    if (service) await stopProcess(service);
    await stopProcess(bare.proc);
    rmSync(dataDir, { recursive: true, force: true });
  }
  if (PROFILE_DIR && service) {
    const name = readdirSync(PROFILE_DIR).find((file) => file.includes(`.${service.child.pid}.`));
    report.cpuProfile = name ? join(PROFILE_DIR, name) : null;
  }

  report.loadAfter = uptime();
  report.scenarios = rows;
  report.checks = {
    // Both starts: the first (an empty DATA_DIR, every migration) and a restart.
    startup: {
      firstMs: report.startupFirstMs,
      ms: report.startupMs,
      pass: Math.max(report.startupFirstMs, report.startupMs) < STARTUP_TARGET_MS,
    },
    idleRss: {
      atStartMb: report.idleRssAtStartMb,
      afterSeedMb: report.idleRssAfterSeedMb,
      pass: Math.max(report.idleRssAtStartMb, report.idleRssAfterSeedMb) < IDLE_RSS_TARGET_MB,
    },
    rssGrowth: report.rssAfterFirstWarmupMb
      ? {
          afterFirstWarmupMb: report.rssAfterFirstWarmupMb,
          maxAfterMb: Math.max(...rows.map((row) => row.rssAfterMb)),
          pass:
            Math.max(...rows.map((row) => row.rssAfterMb)) <=
            RSS_GROWTH_LIMIT * report.rssAfterFirstWarmupMb,
        }
      : null,
    usageExact: report.usageCheck ?? null,
  };
  report.errorsSeen = failed;

  print(report);
  const file = join(RESULTS_DIR, `${STAMP}.json`);
  writeFileSync(file, `${JSON.stringify(report, null, 2)}\n`);
  log(`results written to ${file}`);
  if (failed) {
    log('some scenario had connection errors or timeouts');
    process.exitCode = 1;
  }
}

function print(report) {
  const headers = [
    'scenario',
    'req/s',
    'p50 ms',
    'p99 ms',
    'errors',
    'non-2xx',
    'base req/s',
    '% base',
    'CPU µs/req',
    '% base by CPU',
    'srv busy',
    'RSS MB before→after',
    'xact/req',
    'rows f/i/u per req',
    'target',
    'ok',
  ];
  const base = report.baseline;
  // The bare app's rows: the baseline itself (100%) and the POST reference, against it.
  const bareRow = (name, measured) => [
    name,
    fmt.int(measured.rps),
    fmt.ms(measured.p50),
    fmt.ms(measured.p99),
    measured.errors,
    measured.non2xx,
    fmt.int(base.rps),
    fmt.pct((measured.rps / base.rps) * 100),
    fmt.int(measured.cpuMicrosPerRequest),
    fmt.pct((base.cpuMicrosPerRequest / measured.cpuMicrosPerRequest) * 100),
    fmt.pct(measured.serverBusyPct),
    `- → ${fmt.mb(measured.rssAfterMb)}`,
    '-',
    '-',
    '-',
    '',
  ];
  const rows = [
    bareRow('baseline: bare Nest+Fastify GET', base),
    bareRow('reference: bare Nest+Fastify POST', base.post),
    ...report.scenarios.map((row) => {
      const db = row.dbPerRequest;
      return [
        row.name,
        fmt.int(row.rps),
        fmt.ms(row.p50),
        fmt.ms(row.p99),
        row.errors,
        row.non2xx,
        row.baselineBesideRps === null ? '-' : fmt.int(row.baselineBesideRps),
        fmt.pct(row.pctOfBaseline),
        fmt.int(row.cpuMicrosPerRequest),
        fmt.pct(row.pctOfBaselineByCpu),
        fmt.pct(row.serverBusyPct),
        `${fmt.mb(row.rssBeforeMb)} → ${fmt.mb(row.rssAfterMb)}`,
        fmt.per(db?.xact_commit),
        db
          ? `${db.tup_fetched.toFixed(1)}/${db.tup_inserted.toFixed(1)}/${db.tup_updated.toFixed(1)}`
          : 'n/a',
        row.pctOfArgon2 !== undefined ? `${row.target} (${fmt.pct(row.pctOfArgon2)})` : row.target,
        row.pass === undefined ? '' : row.pass ? 'pass' : 'FAIL',
      ];
    }),
  ];
  const c = report.checks;
  const yes = (pass) => (pass ? 'pass' : 'FAIL');
  const loginRow = report.scenarios.find((row) => row.pctOfArgon2Runs);
  const lines = [
    '',
    `Gatehouse benchmark — ${report.database}${report.redis ? ' + Redis' : ''}, ` +
      `${report.quick ? 'quick' : 'full'} (${report.connections} connections, warm-up ` +
      `${report.mode.warmupSeconds} s` +
      (report.mode.warmupMinRequests
        ? ` (a targeted row: and ≥ ${report.mode.warmupMinRequests.toLocaleString('en-US')} requests, ≤ ${report.mode.warmupMaxSeconds} s)`
        : '') +
      `, ${report.mode.runs} × ${report.mode.runSeconds} s, median), ` +
      `node ${report.node}`,
    `pinning: ${typeof report.pinning === 'string' ? report.pinning : `server core ${report.pinning.server}, load generator core ${report.pinning.load}`}; ` +
      `database: ${report.databasePinning}`,
    `load before: ${report.loadBefore}`,
    `load after:  ${report.loadAfter}`,
    '',
    table(headers, rows),
    '',
    `raw argon2id verify (m=19456,t=2,p=1) on the server core: ${report.argon2.verifiesPerSecond.toFixed(1)}/s ` +
      `(1 loop), ${report.argon2Pool.verifiesPerSecond.toFixed(1)}/s (4 loops sharing the core)` +
      (report.argon2AroundLogin
        ? `; ${report.argon2AroundLogin.map((rate) => rate.toFixed(1)).join(', ')}/s (1 loop) before ` +
          `each login run and after the last; each run against the mean of the two beside it: ` +
          `${loginRow.pctOfArgon2Runs.map(fmt.pct).join(', ')} (the row: the median)`
        : ''),
    `start-up to /health/ready 200: first start ${fmt.int(c.startup.firstMs)} ms, ` +
      `restart ${fmt.int(c.startup.ms)} ms (target < ${STARTUP_TARGET_MS} ms for both: ${yes(c.startup.pass)})`,
    `idle RSS: ${fmt.mb(c.idleRss.atStartMb)} MB after start, ${fmt.mb(c.idleRss.afterSeedMb)} MB after seeding ` +
      `(target < ${IDLE_RSS_TARGET_MB} MB: ${yes(c.idleRss.pass)})`,
    c.rssGrowth
      ? `RSS growth: ${fmt.mb(c.rssGrowth.afterFirstWarmupMb)} MB after the first warm-up, at most ` +
        `${fmt.mb(c.rssGrowth.maxAfterMb)} MB after a scenario (target ≤ ${RSS_GROWTH_LIMIT}×: ${yes(c.rssGrowth.pass)})`
      : 'RSS growth: no scenario ran',
    c.usageExact
      ? `usage exact: ${c.usageExact.exact ? 'yes' : 'no'} (recorded ${c.usageExact.recorded}, ` +
        `expected ${c.usageExact.expected} = 2xx answers + seeding calls)`
      : 'usage exact: not checked (the X-API-Key scenario did not run)',
    `database work: ${report.dbStats}; per request over warm-up and runs, background jobs included`,
    '"% base": each run against the mean of the bare GET runs on either side of it (one before ' +
      'each run and after the last; "base req/s" is their mean), the row the median of the three; ' +
      'rows without a "% base" target against the baseline at the start of the run',
    ...report.scenarios
      .filter((row) => row.pctOfBaselineRuns)
      .map(
        (row) =>
          `  ${row.key}: runs ${row.rpsRuns.map(fmt.int).join(', ')} req/s, bare GET beside them ` +
          `${row.baselineRunsRps.map(fmt.int).join(', ')}: ${row.pctOfBaselineRuns.map(fmt.pct).join(', ')}`,
      ),
    '',
  ];
  if (report.cpuProfile) {
    lines.push(
      `CPU profile of the service: ${report.cpuProfile}; the measured runs of each scenario:`,
    );
    for (const row of report.scenarios) {
      const [from, to] = row.runsWindowMs;
      lines.push(
        `  node bench/profile-top.js ${report.cpuProfile} --from ${from} --to ${to}   # ${row.key}`,
      );
    }
    lines.push('');
  }
  process.stdout.write(lines.join('\n'));
}

main().catch((error) => {
  log(error?.stack ?? String(error));
  killChildrenNow();
  process.exit(1);
});
