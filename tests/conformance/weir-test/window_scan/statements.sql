-- A window scan (WINDOW without GROUP BY, EMIT FINAL): each row once per
-- window holding it, with the window's bounds, when the window closes.
CREATE STREAM s (id INT KEY, v STRING) WITH (KAFKA_TOPIC='s', VALUE_FORMAT='JSON');
CREATE STREAM w AS SELECT id, v, WINDOWSTART AS ws, WINDOWEND AS we FROM s
  WINDOW HOPPING (SIZE 20 MILLISECONDS, ADVANCE BY 10 MILLISECONDS, GRACE PERIOD 5 MILLISECONDS)
  WHERE v <> 'skip' EMIT FINAL;
