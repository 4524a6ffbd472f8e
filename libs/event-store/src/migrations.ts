import type { MigrationInterface, QueryRunner } from 'typeorm';

/** Creates the events log, checkpoints, inbox and dead-letter tables; dialect-specific SQL for PostgreSQL and SQLite. */
export class CreateEventStore1764000000000 implements MigrationInterface {
  readonly name = 'CreateEventStore1764000000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    const postgres = queryRunner.connection.options.type === 'postgres';
    await queryRunner.query(
      postgres
        ? `CREATE TABLE events (
             position bigserial PRIMARY KEY,
             stream_id varchar(512) NOT NULL,
             stream_version integer NOT NULL,
             event_id uuid NOT NULL UNIQUE,
             type varchar(128) NOT NULL,
             schema_version integer NOT NULL,
             data jsonb NOT NULL,
             metadata jsonb NOT NULL,
             recorded_at timestamptz NOT NULL DEFAULT now(),
             CONSTRAINT events_stream_version UNIQUE (stream_id, stream_version))`
        : `CREATE TABLE events (
             position integer PRIMARY KEY AUTOINCREMENT,
             stream_id varchar(512) NOT NULL,
             stream_version integer NOT NULL,
             event_id varchar(36) NOT NULL UNIQUE,
             type varchar(128) NOT NULL,
             schema_version integer NOT NULL,
             data text NOT NULL,
             metadata text NOT NULL,
             recorded_at varchar(30) NOT NULL,
             CONSTRAINT events_stream_version UNIQUE (stream_id, stream_version))`,
    );
    await queryRunner.query(`CREATE INDEX events_type ON events (type)`);
    await queryRunner.query(
      `CREATE TABLE checkpoints (name varchar(200) PRIMARY KEY, position bigint NOT NULL, updated_at varchar(30) NOT NULL)`,
    );
    await queryRunner.query(
      `CREATE TABLE inbox (consumer varchar(200) NOT NULL, event_id varchar(36) NOT NULL, processed_at varchar(30) NOT NULL,
         PRIMARY KEY (consumer, event_id))`,
    );
    await queryRunner.query(
      `CREATE TABLE dead_letters (consumer varchar(200) NOT NULL, subject varchar(300) NOT NULL,
         stream_sequence bigint NOT NULL, event_id varchar(36), reason varchar(40) NOT NULL, error text NOT NULL,
         payload text NOT NULL, recorded_at varchar(30) NOT NULL, PRIMARY KEY (consumer, stream_sequence))`,
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE dead_letters`);
    await queryRunner.query(`DROP TABLE inbox`);
    await queryRunner.query(`DROP TABLE checkpoints`);
    await queryRunner.query(`DROP TABLE events`);
  }
}

/** Every migration of the event store, in order. */
export const eventStoreMigrations = [CreateEventStore1764000000000];
