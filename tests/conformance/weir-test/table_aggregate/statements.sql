-- Aggregation over a table: an update moves the row from its old group to
-- its new one (the old group is emitted first), a delete takes it out, and
-- a count may fall to 0. HAVING turns the empty group into a tombstone in
-- the second query; WHERE applies to the old row and the new one alike.
CREATE TABLE users (uid INT PRIMARY KEY, region STRING, score INT) WITH (KAFKA_TOPIC='users', VALUE_FORMAT='JSON');
CREATE TABLE by_region AS SELECT region, COUNT(*) AS n, SUM(score) AS s, AVG(score) AS a FROM users GROUP BY region;
CREATE TABLE busy AS SELECT region, COUNT(*) AS n FROM users WHERE score > 1 GROUP BY region HAVING COUNT(*) > 0;
