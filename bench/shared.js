'use strict';
// Helpers of both benchmark scripts (run.js, ab.js): process CPU from /proc, a readiness
// probe and a small JSON client for the service's API.
const { execFileSync } = require('node:child_process');
const { readFileSync } = require('node:fs');
const http = require('node:http');

const CLOCK_TICKS = (() => {
  try {
    return Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' })) || 100;
  } catch {
    return 100;
  }
})();

/** User + system CPU seconds from a /proc stat file, with its reaped children's if asked. */
function statCpuSeconds(path, reapedChildren) {
  try {
    const stat = readFileSync(path, 'utf8');
    const fields = stat
      .slice(stat.lastIndexOf(')') + 2)
      .split(' ')
      .map(Number);
    const own = fields[11] + fields[12];
    return (reapedChildren ? own + fields[13] + fields[14] : own) / CLOCK_TICKS;
  } catch {
    return NaN;
  }
}

/**
 * User + system CPU seconds of a process, all threads (/proc/<pid>/stat); with
 * `reapedChildren`, also that of its children that have exited.
 */
function cpuSeconds(pid, { reapedChildren = false } = {}) {
  return statCpuSeconds(`/proc/${pid}/stat`, reapedChildren);
}

/** CPU seconds of a Node process's main thread alone: its event loop (the thread id is the pid). */
function mainThreadCpuSeconds(pid) {
  return statCpuSeconds(`/proc/${pid}/task/${pid}/stat`, false);
}

/**
 * CPU seconds of this machine's PostgreSQL: its processes alive now, plus the backends that
 * have exited (the postmaster, the oldest, has reaped them). NaN when none runs, e.g. on the
 * embedded database.
 */
function postgresCpuSeconds() {
  let pids;
  try {
    pids = execFileSync('pgrep', ['-x', 'postgres'], { encoding: 'utf8' }).split('\n');
  } catch {
    return NaN;
  }
  const postmaster = execFileSync('pgrep', ['-o', '-x', 'postgres'], { encoding: 'utf8' }).trim();
  return pids
    .filter(Boolean)
    .reduce((sum, pid) => sum + (cpuSeconds(pid, { reapedChildren: pid === postmaster }) || 0), 0);
}

function httpStatus(url) {
  return new Promise((resolveStatus) => {
    const request = http.get(url, { agent: false, timeout: 2000 }, (response) => {
      response.resume();
      resolveStatus(response.statusCode);
    });
    request.on('timeout', () => request.destroy());
    request.on('error', () => resolveStatus(0));
  });
}

function createApi(base) {
  return async function api(method, path, { token, apiKey, body, expect } = {}) {
    const headers = {};
    if (token) headers.authorization = `Bearer ${token}`;
    if (apiKey) headers['x-api-key'] = apiKey;
    if (body !== undefined) headers['content-type'] = 'application/json';
    const response = await fetch(base + path, {
      method,
      headers,
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await response.text();
    let json = null;
    try {
      json = text ? JSON.parse(text) : null;
    } catch {
      // not JSON: reported below when the status is unexpected
    }
    if (expect !== false && (response.status < 200 || response.status > 299)) {
      throw new Error(`${method} ${path} → ${response.status}: ${text.slice(0, 400)}`);
    }
    return { status: response.status, body: json };
  };
}

/** The middle value (the upper one of the two middles for an even count). */
function median(values) {
  return [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];
}

module.exports = {
  cpuSeconds,
  createApi,
  httpStatus,
  mainThreadCpuSeconds,
  median,
  postgresCpuSeconds,
};
