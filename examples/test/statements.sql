-- A query unit test for `weir test` (see docs/cli.md): views per page in
-- 10-second windows, and the rows they must produce.
CREATE STREAM pageviews (page STRING KEY, latency_ms INT)
    WITH (KAFKA_TOPIC = 'pageviews', VALUE_FORMAT = 'JSON');
CREATE TABLE views AS
    SELECT page, COUNT(*) AS views, MAX(latency_ms) AS slowest
    FROM pageviews WINDOW TUMBLING (SIZE 10 SECONDS)
    GROUP BY page;
