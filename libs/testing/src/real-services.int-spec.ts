import { existsSync } from 'node:fs';
import { Client } from 'pg';
import { TEST_POSTGRES_URL, tempDir, testDatabase, uniqueSuffix } from './real-services';

describe('test fixtures', () => {
  it('gives each test a distinct suffix', () => {
    const suffixes = new Set(Array.from({ length: 100 }, () => uniqueSuffix()));
    expect(suffixes.size).toBe(100);
  });

  it('creates and removes temporary directories', () => {
    const dir = tempDir();
    expect(existsSync(dir.path)).toBe(true);
    dir.remove();
    expect(existsSync(dir.path)).toBe(false);
  });

  it('names a fresh PostgreSQL schema per test and drops it with its contents', async () => {
    const db = testDatabase('postgres');
    const schema = new URL(db.url).searchParams.get('schema');
    expect(schema).toMatch(/^t_[0-9a-f]{8}$/);
    const client = new Client({ connectionString: TEST_POSTGRES_URL });
    await client.connect();
    try {
      await client.query(`CREATE SCHEMA "${schema}"`);
      await client.query(`CREATE TABLE "${schema}".x (id int)`);
      await db.drop();
      const { rows } = await client.query('SELECT 1 FROM information_schema.schemata WHERE schema_name = $1', [schema]);
      expect(rows).toHaveLength(0);
    } finally {
      await client.end();
    }
  });

  it('places SQLite databases in a temp dir it removes', async () => {
    const db = testDatabase('sqlite');
    expect(db.url).toMatch(/^sqlite:\/.+\/events\.db$/);
    await db.drop();
    expect(existsSync(db.url.slice('sqlite:'.length).replace(/\/events\.db$/, ''))).toBe(false);
  });
});
