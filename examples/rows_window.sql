-- rows_window.sql: count-based windows, a weir extension to ksqlDB's SQL.
--
-- A time window groups rows by their event time; a count-based window groups
-- them by how many rows of the same group came before: SIZE and ADVANCE BY
-- are given in ROWS instead of a time unit. The window is counted per GROUP
-- BY key, in the order the rows are read (offset order within a partition).
-- Count-based windows take no GRACE PERIOD or RETENTION (there is no late
-- row), and SESSION windows have no ROWS form.
--
-- The stream is the one clickstream.sql defines; IF NOT EXISTS lets this
-- file be checked alone or after clickstream.sql:
--   build/weir check examples/rows_window.sql
--   build/weir check examples/*.sql

CREATE STREAM IF NOT EXISTS pageviews (
    ts          BIGINT,
    user        STRING,
    page        STRING,
    latency_ms  INT,
    bytes       INT,
    country     STRING
) WITH (
    KAFKA_TOPIC  = 'pageviews',
    VALUE_FORMAT = 'JSON',
    TIMESTAMP    = 'ts',
    PARTITIONS   = 4
);

-- Tumbling: average latency of each block of 100 views of a page. A page's
-- 1st..100th views form one window, its 101st..200th the next, and so on.
CREATE TABLE latency_per_100_views AS
    SELECT page,
           AVG(latency_ms) AS avg_latency_ms,
           MAX(latency_ms) AS max_latency_ms
    FROM pageviews
    WINDOW TUMBLING (SIZE 100 ROWS)
    GROUP BY page
    EMIT CHANGES;

-- Hopping: a moving average over each user's last 100 views, recomputed
-- every 10 views; EMIT FINAL writes each window once, when it is full.
CREATE TABLE user_latency_moving_avg AS
    SELECT user,
           AVG(latency_ms)            AS avg_latency_ms,
           SUM(CAST(bytes AS BIGINT)) AS bytes
    FROM pageviews
    WINDOW HOPPING (SIZE 100 ROWS, ADVANCE BY 10 ROWS)
    GROUP BY user
    EMIT FINAL;
