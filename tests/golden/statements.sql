-- Statements other than CREATE and SELECT.
CREATE STREAM s (id INT KEY, v STRING) WITH (kafka_topic='s', value_format='JSON');
CREATE TABLE t (id INT PRIMARY KEY, v STRING) WITH (kafka_topic='t', value_format='JSON');
CREATE STREAM s2 AS SELECT id, v FROM s;
CREATE STREAM scratch (v STRING) WITH (kafka_topic='scratch', value_format='DELIMITED');

SHOW STREAMS;
SHOW TABLES EXTENDED;
LIST QUERIES;
SHOW PROPERTIES;
SHOW TOPICS;
LIST FUNCTIONS;
DESCRIBE s;
DESCRIBE t EXTENDED;
SET 'auto.offset.reset' = 'earliest';
UNSET 'auto.offset.reset';
EXPLAIN SELECT id, v FROM s EMIT CHANGES;
EXPLAIN CSAS_S2_0;
INSERT INTO s VALUES (1, 'one');
INSERT INTO s (id, v) VALUES (2, 'two');
INSERT INTO s2 SELECT id, UCASE(v) AS v FROM s;
TERMINATE CSAS_S2_0;
TERMINATE ALL;
RUN SCRIPT '/tmp/does-not-matter.sql';
DROP STREAM IF EXISTS nothing;
DROP STREAM scratch DELETE TOPIC;
DROP TABLE t;
