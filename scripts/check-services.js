// Verifies that the services the tests need answer as they must: NATS with JetStream enabled, PostgreSQL
// with the `test` database. Prints ✔/✗ lines and exits non-zero with the reason.
const { connect } = require('nats');
const { Client } = require('pg');

const natsUrl = process.env.FERRY_TEST_NATS_URL ?? 'nats://127.0.0.1:4222';
const postgresUrl = process.env.FERRY_TEST_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432/test';

async function checkNats() {
  const nc = await connect({ servers: natsUrl, timeout: 5000 });
  try {
    const jsm = await nc.jetstreamManager({ timeout: 5000 });
    const info = await jsm.getAccountInfo();
    return `NATS ${nc.info?.version} with JetStream (${info.streams} streams)`;
  } finally {
    await nc.close();
  }
}

async function checkPostgres() {
  const client = new Client({ connectionString: postgresUrl, connectionTimeoutMillis: 5000 });
  await client.connect();
  try {
    const { rows } = await client.query('SHOW server_version');
    return `PostgreSQL ${rows[0].server_version}, database test`;
  } finally {
    await client.end();
  }
}

(async () => {
  let failed = false;
  for (const [name, check] of [
    ['NATS', checkNats],
    ['PostgreSQL', checkPostgres],
  ]) {
    try {
      console.log(`✔ ${await check()}`);
    } catch (error) {
      failed = true;
      console.error(`✗ ${name}: ${error.message}`);
    }
  }
  process.exit(failed ? 1 : 0);
})();
