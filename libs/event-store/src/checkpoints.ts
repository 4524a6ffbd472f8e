import type { DataSource, EntityManager } from 'typeorm';
import { isPostgres, placeholder } from './transactions';

/** Reads a named checkpoint (0 when none); on PostgreSQL, locks it until the transaction ends. */
export async function readCheckpoint(dataSource: DataSource, manager: EntityManager, name: string): Promise<number> {
  const p = placeholder(dataSource);
  if (isPostgres(dataSource)) {
    await manager.query(
      `INSERT INTO checkpoints (name, position, updated_at) VALUES ($1, 0, $2) ON CONFLICT (name) DO NOTHING`,
      [name, new Date().toISOString()],
    );
  }
  const [row]: Array<{ position: string | number }> = await manager.query(
    `SELECT position FROM checkpoints WHERE name = ${p(1)}${isPostgres(dataSource) ? ' FOR UPDATE' : ''}`,
    [name],
  );
  return Number(row?.position ?? 0);
}

/** Stores a named checkpoint in the caller's transaction. */
export async function writeCheckpoint(
  dataSource: DataSource,
  manager: EntityManager,
  name: string,
  position: number,
): Promise<void> {
  const p = placeholder(dataSource);
  await manager.query(
    `INSERT INTO checkpoints (name, position, updated_at) VALUES (${p(1)}, ${p(2)}, ${p(3)})
     ON CONFLICT (name) DO UPDATE SET position = excluded.position, updated_at = excluded.updated_at`,
    [name, position, new Date().toISOString()],
  );
}
