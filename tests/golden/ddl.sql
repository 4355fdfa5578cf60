-- DDL: every column type, key forms, headers, WITH properties, and the
-- CREATE variants (OR REPLACE, IF NOT EXISTS, schema-less, quoted names).
CREATE STREAM all_types (
  k STRING KEY,
  b BOOLEAN,
  i INT,
  i2 INTEGER,
  l BIGINT,
  d DOUBLE,
  dec DECIMAL(10, 2),
  s STRING,
  v VARCHAR,
  ts TIMESTAMP,
  dt DATE,
  tm TIME,
  raw BYTES,
  arr ARRAY<INT>,
  m MAP<STRING, DOUBLE>,
  st STRUCT<a INT, b ARRAY<STRUCT<c STRING>>>,
  nested MAP<STRING, ARRAY<MAP<STRING, BIGINT>>>
) WITH (kafka_topic='all_types', value_format='JSON', partitions=4,
        replicas=1, timestamp='ts');

CREATE TABLE users (id BIGINT PRIMARY KEY, name STRING, region STRING)
  WITH (kafka_topic='users', key_format='KAFKA', value_format='JSON');

CREATE TABLE IF NOT EXISTS users (id BIGINT PRIMARY KEY, name STRING)
  WITH (kafka_topic='users', value_format='JSON');

CREATE OR REPLACE STREAM clicks (user_id BIGINT KEY, url STRING, dwell DOUBLE)
  WITH (kafka_topic='clicks', format='JSON');

/* Header columns and a keyless stream. */
CREATE STREAM traced (
  payload STRING,
  trace BYTES HEADER('trace-id'),
  hdrs ARRAY<STRUCT<`KEY` STRING, `VALUE` BYTES>> HEADERS
) WITH (kafka_topic='traced', value_format='JSON');

-- Quoted identifiers keep their case; unquoted ones are upper-cased.
CREATE STREAM "MixedCase" (`id` INT KEY, "Some Col" STRING, plain STRING)
  WITH (kafka_topic='mixed', value_format='DELIMITED');
