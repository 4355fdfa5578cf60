-- A three-way join of tables, and an aggregation over a join of tables
-- (an update of R moves the row from group 5 to group 9).
CREATE TABLE L (ID INT PRIMARY KEY, V0 INT, V1 INT) WITH (kafka_topic='left_topic', value_format='JSON');
CREATE TABLE R (ID INT PRIMARY KEY, V0 INT, V1 INT) WITH (kafka_topic='right_topic', value_format='JSON');
CREATE TABLE T (ID INT PRIMARY KEY, W STRING) WITH (kafka_topic='t_topic', value_format='JSON');
CREATE TABLE J3 as SELECT L.ID, L.V0, R.V1, T.W FROM L JOIN R on L.id = R.id LEFT JOIN T ON L.ID = T.ID;
CREATE TABLE AGG as SELECT R.V1 AS V1, COUNT(*) AS N FROM L JOIN R on L.id = R.id GROUP BY R.V1;
