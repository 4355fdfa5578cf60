-- Windowed and unwindowed aggregations: TUMBLING, HOPPING, SESSION with
-- RETENTION and GRACE PERIOD, HAVING, WINDOWSTART/WINDOWEND, EMIT.
CREATE STREAM pageviews (user_id BIGINT KEY, page STRING, dwell DOUBLE, bytes INT)
  WITH (kafka_topic='pageviews', value_format='JSON');

CREATE TABLE views_per_user AS
  SELECT user_id, COUNT(*) AS views, SUM(bytes) AS total_bytes
  FROM pageviews
  GROUP BY user_id
  EMIT CHANGES;

CREATE TABLE views_tumbling AS
  SELECT user_id, WINDOWSTART AS ws, WINDOWEND AS we, COUNT(*) AS n
  FROM pageviews
  WINDOW TUMBLING (SIZE 1 MINUTE)
  GROUP BY user_id;

CREATE TABLE views_tumbling_grace AS
  SELECT user_id, AVG(dwell) AS avg_dwell, MAX(dwell) AS max_dwell
  FROM pageviews
  WINDOW TUMBLING (SIZE 30 SECONDS, RETENTION 2 DAYS, GRACE PERIOD 10 MINUTES)
  GROUP BY user_id
  HAVING COUNT(*) > 1
  EMIT FINAL;

CREATE TABLE views_hopping AS
  SELECT user_id, MIN(bytes) AS min_bytes, LATEST_BY_OFFSET(page) AS last_page
  FROM pageviews
  WINDOW HOPPING (SIZE 1 HOUR, ADVANCE BY 10 MINUTES)
  WHERE page <> 'home'
  GROUP BY user_id
  HAVING SUM(bytes) >= 1000 AND MIN(bytes) > 0;

CREATE TABLE sessions AS
  SELECT user_id, COUNT(*) AS clicks, EARLIEST_BY_OFFSET(page) AS landing
  FROM pageviews
  WINDOW SESSION (5 MINUTES)
  GROUP BY user_id
  EMIT CHANGES;

CREATE TABLE views_per_page AS
  SELECT page, COUNT(*) AS n, COUNT(DISTINCT user_id) AS users
  FROM pageviews
  GROUP BY page;

SELECT user_id, COUNT(*) FROM pageviews
  WINDOW TUMBLING (SIZE 1 MINUTE)
  GROUP BY user_id
  EMIT CHANGES
  LIMIT 10;

-- Count-based windows (a weir extension): SIZE and ADVANCE BY in ROWS.
CREATE TABLE last_ten AS
  SELECT user_id, AVG(dwell) AS avg_dwell
  FROM pageviews
  WINDOW TUMBLING (SIZE 10 ROWS)
  GROUP BY user_id;

CREATE TABLE sliding_rows AS
  SELECT user_id, SUM(bytes) AS bytes_in_window
  FROM pageviews
  WINDOW HOPPING (SIZE 100 ROWS, ADVANCE BY 10 ROWS)
  GROUP BY user_id
  EMIT FINAL;
