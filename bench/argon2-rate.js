'use strict';
// Raw @node-rs/argon2 verification rate with the service's parameters (argon2id, m=19456,
// t=2, p=1), for comparing POST /auth/login against. Run pinned to the server's core.
// Prints one JSON line: { verifiesPerSecond, verifies, seconds, concurrency }.
// Usage: node bench/argon2-rate.js [seconds=3] [concurrency=1]
// concurrency 1 is one `await verify()` loop, login's reference: the service hashes one
// password per usable core at a time. 4 shows what hashes sharing one core would cost (they
// compete for the same CPU and caches).
const { hash, verify } = require('@node-rs/argon2');

const PARAMETERS = { algorithm: 2 /* Argon2id */, memoryCost: 19_456, timeCost: 2, parallelism: 1 };
const PASSWORD = 'correct horse battery staple';

async function main() {
  const seconds = Number(process.argv[2] ?? 3);
  const concurrency = Number(process.argv[3] ?? 1);
  const passwordHash = await hash(PASSWORD, PARAMETERS);
  await verify(passwordHash, PASSWORD); // warm

  let verifies = 0;
  const started = performance.now();
  const deadline = started + seconds * 1000;
  const loop = async () => {
    while (performance.now() < deadline) {
      if (!(await verify(passwordHash, PASSWORD))) throw new Error('verify returned false');
      verifies += 1;
    }
  };
  await Promise.all(Array.from({ length: concurrency }, loop));
  const elapsed = (performance.now() - started) / 1000;
  process.stdout.write(
    `${JSON.stringify({ verifiesPerSecond: verifies / elapsed, verifies, seconds: elapsed, concurrency })}\n`,
  );
}

main().catch((error) => {
  process.stderr.write(`${error?.stack ?? error}\n`);
  process.exit(1);
});
