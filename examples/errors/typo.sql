-- typo.sql: a query with a misspelt column name, to show how `weir check`
-- reports errors: FILE:LINE:COL, the source line and a caret under the
-- offending name. The stream is declared here too (IF NOT EXISTS) so that
-- the file checks on its own; the only error is in the query.
--
--   build/weir check examples/errors/typo.sql     (exit status 1)

CREATE STREAM IF NOT EXISTS pageviews (
    ts          BIGINT,
    user        STRING,
    page        STRING,
    latency_ms  INT,
    bytes       INT,
    country     STRING
) WITH (KAFKA_TOPIC = 'pageviews', VALUE_FORMAT = 'JSON', TIMESTAMP = 'ts');

CREATE TABLE slow_pages AS
    SELECT page, AVG(lantency_ms) AS avg_latency_ms
    FROM pageviews
    WINDOW TUMBLING (SIZE 1 MINUTE)
    GROUP BY page;
