-- The key of a multi-way join is the last join's, of that join's key type:
-- joined on an INT, then on a STRING, the key is the STRING (also the
-- synthetic ROWKEY of a FULL join, whichever side is present).
CREATE STREAM a (id INT KEY, s STRING) WITH (KAFKA_TOPIC='a', VALUE_FORMAT='JSON');
CREATE STREAM b (id INT KEY, s STRING) WITH (KAFKA_TOPIC='b', VALUE_FORMAT='JSON');
CREATE STREAM c (k STRING KEY, v INT) WITH (KAFKA_TOPIC='c', VALUE_FORMAT='JSON');
CREATE STREAM o AS SELECT c.k AS k, a.id AS aid, c.v AS v FROM a
  JOIN b WITHIN 1 SECOND ON a.id = b.id
  JOIN c WITHIN 1 SECOND ON LCASE(a.s) = c.k;
CREATE STREAM f AS SELECT ROWKEY AS rk, a.id AS aid, c.v AS v FROM a
  JOIN b WITHIN 1 SECOND ON a.id = b.id
  FULL JOIN c WITHIN 1 SECOND ON LCASE(a.s) = c.k;
