CREATE STREAM test (K STRING KEY, v BIGINT) WITH (kafka_topic='test_topic', value_format='JSON');
CREATE STREAM OUTPUT AS SELECT K, TRUNC(v) as R0 FROM test;
