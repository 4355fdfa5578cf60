-- The query `make demo` runs: page views from a JSON-lines file (generated
-- into build/demo/ by scripts/gen-sample-events), counted per country per
-- minute of event time, one row per window when the window closes.
CREATE STREAM demo_views (
    ts BIGINT, `user` STRING, page STRING, latency_ms INT, bytes INT,
    country STRING
) WITH (FILE = 'build/demo/pageviews.jsonl', VALUE_FORMAT = 'JSON',
        TIMESTAMP = 'ts');

SELECT country, WINDOWSTART AS minute, COUNT(*) AS views,
       AVG(latency_ms) AS avg_latency_ms, MAX(bytes) AS max_bytes
    FROM demo_views
    WINDOW TUMBLING (SIZE 1 MINUTE, GRACE PERIOD 5 SECONDS)
    GROUP BY country
    EMIT FINAL;
