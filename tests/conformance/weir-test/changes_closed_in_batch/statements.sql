-- EMIT CHANGES with micro-batches: a window that the batch changed is
-- emitted even when later rows of the same batch close it (grace 0), as
-- per-record processing would have emitted it (regression: it was lost).
CREATE STREAM s (k STRING KEY, v INT) WITH (KAFKA_TOPIC='s', VALUE_FORMAT='JSON');
CREATE TABLE t AS SELECT k, COUNT(*) AS n FROM s
  WINDOW TUMBLING (SIZE 10 SECONDS, GRACE PERIOD 0 SECONDS) GROUP BY k;
