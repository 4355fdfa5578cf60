-- The Kafka part of `make demo`: page views that `weir run --datagen
-- pageviews=pageviews:20000` writes into the embedded Kafka broker (a mock
-- cluster inside the process: no Kafka to install), read back in
-- micro-batches by exact offset ranges, and counted per user per minute
-- of event time: one row per window when the window closes. The same file
-- runs against a real cluster with -c kafka.bootstrap.servers=host:9092.
CREATE STREAM live_pageviews (pageid STRING KEY, viewtime BIGINT, userid STRING)
    WITH (KAFKA_TOPIC = 'pageviews', VALUE_FORMAT = 'JSON', PARTITIONS = 4,
          TIMESTAMP = 'viewtime');

-- Per-user counts into a SQLite table (each change of a window upserts
-- its row; every batch commits its rows and source offsets together).
CREATE TABLE views_per_user WITH (SQLITE = 'build/demo/views.db',
                                  SQLITE_TABLE = 'views_per_user') AS
    SELECT userid, COUNT(*) AS views
    FROM live_pageviews
    WINDOW TUMBLING (SIZE 1 MINUTE, GRACE PERIOD 0 SECONDS)
    GROUP BY userid;

-- And the closed windows on the terminal.
SELECT userid, WINDOWSTART AS minute, COUNT(*) AS views
    FROM live_pageviews
    WINDOW TUMBLING (SIZE 1 MINUTE, GRACE PERIOD 0 SECONDS)
    GROUP BY userid
    EMIT FINAL;
