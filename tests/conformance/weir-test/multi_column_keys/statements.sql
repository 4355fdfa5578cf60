-- Multi-column keys: JSON keys are objects, DELIMITED keys are fields;
-- GROUP BY of several expressions keys the result by all of them, in
-- GROUP BY order; a table keyed by two columns replaces and deletes rows
-- by the whole key.
CREATE STREAM TEST (f1 INT KEY, f2 INT) WITH (kafka_topic='test_topic', format='JSON');
CREATE TABLE OUTPUT AS SELECT f2, f1, f2+f1, COUNT(*) FROM TEST GROUP BY f1, f2;
CREATE STREAM MK (a INT KEY, b STRING KEY, v INT) WITH (kafka_topic='mk', format='DELIMITED');
CREATE STREAM MK2 AS SELECT * FROM MK WHERE v > 0;
CREATE TABLE STOCK (shop STRING PRIMARY KEY, item STRING PRIMARY KEY, qty INT) WITH (kafka_topic='stock', format='JSON');
CREATE TABLE PER_SHOP AS SELECT shop, SUM(qty) AS total, COUNT(*) AS items FROM STOCK GROUP BY shop;
