-- Joins of tables (Kafka Streams KTable-KTable semantics): updates of
-- either side re-emit the key, deletes emit tombstones, outer sides pad
-- with NULL; results carry the later ROWTIME.
CREATE TABLE L (ID INT PRIMARY KEY, V0 INT, V1 INT) WITH (kafka_topic='left_topic', value_format='JSON');
CREATE TABLE R (ID INT PRIMARY KEY, V0 INT, V1 INT) WITH (kafka_topic='right_topic', value_format='JSON');
CREATE TABLE OUTER_J as SELECT ROWKEY, L.ID, R.ID, L.V0, R.V1 FROM L FULL OUTER JOIN R on L.id = R.id;
CREATE TABLE INNER_J as SELECT L.ID, L.V0, R.V1 FROM L JOIN R on L.id = R.id;
CREATE TABLE LEFT_J as SELECT L.ID, L.V0, R.V1 FROM L LEFT JOIN R on L.id = R.id;
