-- clickstream.sql: a small click-stream analytics app in weir's SQL.
--
-- Page views arrive as JSON on the Kafka topic `pageviews`, one object per
-- view, in the shape /work/shared/bench/gen_events.py generates:
--
--   {"ts":1700000000000,"user":"u4187","page":"/p93","latency_ms":61,
--    "bytes":10432,"country":"US"}
--
-- Today `weir check` parses, binds and type-checks every statement below and
-- `weir explain` prints the plan of each query; the engine that runs them
-- arrives with the next milestone.

-- ---------------------------------------------------------------- sources

-- Every page view. Event time is the `ts` field (epoch milliseconds), not
-- the Kafka record timestamp. The topic carries no key.
CREATE STREAM pageviews (
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

-- The user directory: a changelog keyed by user id (the latest record per
-- key is the current row).
CREATE TABLE users (
    user_id     STRING PRIMARY KEY,
    name        STRING,
    plan        STRING,
    signup_ts   BIGINT
) WITH (
    KAFKA_TOPIC  = 'users',
    KEY_FORMAT   = 'KAFKA',
    VALUE_FORMAT = 'JSON',
    PARTITIONS   = 4
);

-- Purchases, keyed by order id; joined to page views within a time bound.
CREATE STREAM purchases (
    order_id    STRING KEY,
    ts          BIGINT,
    user        STRING,
    amount      DECIMAL(10, 2)
) WITH (
    KAFKA_TOPIC  = 'purchases',
    VALUE_FORMAT = 'JSON',
    TIMESTAMP    = 'ts',
    PARTITIONS   = 4
);

-- -------------------------------------------------- stateless transforms

-- Slow page views, for the on-call dashboard.
CREATE STREAM slow_pageviews AS
    SELECT user, page, latency_ms, country
    FROM pageviews
    WHERE latency_ms >= 1000 AND page NOT LIKE '/static/%'
    EMIT CHANGES;

-- Page views re-keyed by user, so that per-user work needs no shuffle.
CREATE STREAM pageviews_by_user AS
    SELECT user, page, latency_ms, bytes / 1024 AS kib
    FROM pageviews
    PARTITION BY user
    EMIT CHANGES;

-- ------------------------------------------------------ windowed counts

-- Views per page per minute; records up to 10 s late still count.
CREATE TABLE pageviews_per_minute AS
    SELECT page,
           WINDOWSTART AS window_start,
           WINDOWEND   AS window_end,
           COUNT(*)    AS views,
           AVG(latency_ms) AS avg_latency_ms
    FROM pageviews
    WINDOW TUMBLING (SIZE 1 MINUTE, GRACE PERIOD 10 SECONDS)
    GROUP BY page
    EMIT CHANGES;

-- Traffic per country over the last 5 minutes, updated every minute.
CREATE TABLE traffic_by_country AS
    SELECT country,
           COUNT(*)                   AS views,
           COUNT_DISTINCT(user)       AS visitors,
           SUM(CAST(bytes AS BIGINT)) AS bytes
    FROM pageviews
    WINDOW HOPPING (SIZE 5 MINUTES, ADVANCE BY 1 MINUTE)
    GROUP BY country
    EMIT CHANGES;

-- Browsing sessions: a session ends after 30 minutes without a view.
CREATE TABLE user_sessions AS
    SELECT user,
           COUNT(*)                 AS views,
           EARLIEST_BY_OFFSET(page) AS landing_page,
           LATEST_BY_OFFSET(page)   AS exit_page,
           WINDOWSTART              AS session_start,
           WINDOWEND                AS session_end
    FROM pageviews
    WINDOW SESSION (30 MINUTES)
    GROUP BY user
    EMIT CHANGES;

-- Heavy users: more than 50 MB in an hour (HAVING filters the groups).
CREATE TABLE heavy_users AS
    SELECT user, SUM(CAST(bytes AS BIGINT)) AS bytes, COUNT(*) AS views
    FROM pageviews
    WINDOW TUMBLING (SIZE 1 HOUR, GRACE PERIOD 1 MINUTE)
    GROUP BY user
    HAVING SUM(CAST(bytes AS BIGINT)) > 50000000
    EMIT CHANGES;

-- Latency per page, one final row per closed 10-minute window.
CREATE TABLE page_latency_final AS
    SELECT page,
           MIN(latency_ms) AS min_ms,
           MAX(latency_ms) AS max_ms,
           AVG(latency_ms) AS avg_ms
    FROM pageviews
    WINDOW TUMBLING (SIZE 10 MINUTES, GRACE PERIOD 30 SECONDS)
    GROUP BY page
    EMIT FINAL;

-- ----------------------------------------------------------------- joins

-- Stream-table join: each view with the viewer's plan (NULL if unknown).
CREATE STREAM enriched_pageviews AS
    SELECT pv.user AS user, pv.page, pv.latency_ms, u.name, u.plan
    FROM pageviews pv
    LEFT JOIN users u ON pv.user = u.user_id
    EMIT CHANGES;

-- Stream-stream join: purchases made within 30 minutes after viewing a page
-- (and up to 1 minute before, for clock skew between the two producers).
CREATE STREAM attributed_purchases AS
    SELECT o.user AS user, o.order_id, o.amount, pv.page AS viewed_page
    FROM purchases o
    INNER JOIN pageviews pv WITHIN (30 MINUTES, 1 MINUTE) GRACE PERIOD 1 MINUTE
        ON o.user = pv.user
    EMIT CHANGES;

-- Revenue per page, from the stream-stream join above.
CREATE TABLE revenue_per_page AS
    SELECT viewed_page, SUM(amount) AS revenue, COUNT(*) AS orders
    FROM attributed_purchases
    GROUP BY viewed_page
    EMIT CHANGES;

-- A push query, as one would type it in the shell: the next 20 slow views
-- from the US or Germany, as they happen.
SELECT page, latency_ms, country
FROM slow_pageviews
WHERE country IN ('US', 'DE')
EMIT CHANGES
LIMIT 20;
