-- Nested values (ARRAY, MAP, STRUCT) kept in operator state: a window
-- scan's rows, a stream-stream join's buffered rows, a stream-table join's
-- table, and a table's rows when it is aggregated (an update retracts the
-- old row's array from its group; COUNT of an array counts it once).
CREATE STREAM l (id INT KEY, a ARRAY<INT>, m MAP<STRING, INT>) WITH (KAFKA_TOPIC='l', VALUE_FORMAT='JSON');
CREATE STREAM r (id INT KEY, st STRUCT<x INT, y ARRAY<STRING>>) WITH (KAFKA_TOPIC='r', VALUE_FORMAT='JSON');
CREATE TABLE t (id INT PRIMARY KEY, a ARRAY<INT>) WITH (KAFKA_TOPIC='t', VALUE_FORMAT='JSON');
CREATE STREAM w AS SELECT id, a, m, WINDOWSTART AS ws FROM l
  WINDOW TUMBLING (SIZE 10 MILLISECONDS, GRACE PERIOD 0 MILLISECONDS) EMIT FINAL;
CREATE STREAM j AS SELECT l.id AS id, l.a AS a, l.m AS m, r.st AS st
  FROM l JOIN r WITHIN 10 MILLISECONDS ON l.id = r.id;
CREATE STREAM jt AS SELECT l.id AS id, l.a AS la, t.a AS ta FROM l JOIN t ON l.id = t.id;
CREATE TABLE g WITH (KEY_FORMAT='JSON') AS SELECT a, COUNT(*) AS n FROM t GROUP BY a;
CREATE TABLE c AS SELECT id, COUNT(a) AS n FROM t GROUP BY id;
