CREATE STREAM INPUT (ID STRING KEY, VALUE bigint) WITH (kafka_topic='test_topic', value_format='JSON');
CREATE TABLE OUTPUT AS SELECT ID, avg(value) AS avg FROM INPUT group by ID;
