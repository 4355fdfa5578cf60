CREATE STREAM TEST (ID BIGINT KEY, VALUE bigint) WITH (kafka_topic='test_topic', value_format='DELIMITED');
CREATE TABLE S2 as SELECT ID, max(value) FROM test WINDOW SESSION (30 SECONDS, GRACE PERIOD 1 MINUTE) group by id;
