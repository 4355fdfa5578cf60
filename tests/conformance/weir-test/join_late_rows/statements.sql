-- Stream-stream join rows that arrive after their window plus the grace
-- period (ts + after + grace, for a right row ts + before + grace, below
-- stream time) join nothing: on an outer side they come out NULL-padded at
-- once (as in ksqlDB), on the other side they are dropped (and counted as
-- late). Here the late right row would have joined A1, the late left row B1.
CREATE STREAM l (id INT KEY, v STRING) WITH (KAFKA_TOPIC='l', VALUE_FORMAT='JSON');
CREATE STREAM r (id INT KEY, w STRING) WITH (KAFKA_TOPIC='r', VALUE_FORMAT='JSON');
CREATE STREAM inner_j AS SELECT l.id AS id, v, w FROM l
  JOIN r WITHIN 10 MILLISECONDS GRACE PERIOD 0 MILLISECONDS ON l.id = r.id;
CREATE STREAM left_j AS SELECT l.id AS id, v, w FROM l
  LEFT JOIN r WITHIN 10 MILLISECONDS GRACE PERIOD 0 MILLISECONDS ON l.id = r.id;
CREATE STREAM full_j AS SELECT ROWKEY AS id, v, w FROM l
  FULL JOIN r WITHIN 10 MILLISECONDS GRACE PERIOD 0 MILLISECONDS ON l.id = r.id;
