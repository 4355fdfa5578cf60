-- Joins: stream-stream with every WITHIN form, stream-table, table-table,
-- each join kind, aliases, and an n-way join.
CREATE STREAM orders (id BIGINT KEY, user_id BIGINT, item STRING, qty INT)
  WITH (kafka_topic='orders', value_format='JSON');
CREATE STREAM shipments (order_id BIGINT KEY, carrier STRING)
  WITH (kafka_topic='shipments', value_format='JSON');
CREATE STREAM payments (order_id BIGINT KEY, amount DOUBLE)
  WITH (kafka_topic='payments', value_format='JSON');
CREATE TABLE users (id BIGINT PRIMARY KEY, name STRING, region STRING)
  WITH (kafka_topic='users', value_format='JSON');
CREATE TABLE regions (name STRING PRIMARY KEY, manager STRING)
  WITH (kafka_topic='regions', value_format='JSON');
CREATE TABLE user_stats (id BIGINT PRIMARY KEY, visits BIGINT)
  WITH (kafka_topic='user_stats', value_format='JSON');

CREATE STREAM shipped AS
  SELECT o.id, o.item, s.carrier
  FROM orders o
  JOIN shipments s WITHIN 1 HOUR ON o.id = s.order_id
  EMIT CHANGES;

CREATE STREAM shipped_left AS
  SELECT o.id, s.carrier
  FROM orders AS o
  LEFT OUTER JOIN shipments AS s WITHIN (5 MINUTES, 2 HOURS) ON o.id = s.order_id;

CREATE STREAM shipped_right AS
  SELECT s.order_id, o.item
  FROM orders o
  RIGHT JOIN shipments s WITHIN 10 SECONDS GRACE PERIOD 1 MINUTE
    ON o.id = s.order_id;

CREATE STREAM shipped_full AS
  SELECT ROWKEY, o.item, s.carrier
  FROM orders o
  FULL OUTER JOIN shipments s WITHIN 1 DAY ON o.id = s.order_id;

CREATE STREAM enriched AS
  SELECT o.user_id, o.id, o.item, u.name, u.region
  FROM orders o
  INNER JOIN users u ON o.user_id = u.id;

CREATE STREAM enriched_left AS
  SELECT u.id AS uid, o.id, u.name
  FROM orders o
  LEFT JOIN users u ON o.user_id = u.id;

CREATE TABLE user_visits AS
  SELECT u.id, u.name, st.visits
  FROM users u
  JOIN user_stats st ON u.id = st.id;

CREATE STREAM three_way AS
  SELECT o.id, o.item, s.carrier, p.amount
  FROM orders o
  JOIN shipments s WITHIN 1 HOUR ON o.id = s.order_id
  LEFT JOIN payments p WITHIN 2 HOURS ON o.id = p.order_id
  EMIT CHANGES;
