CREATE STREAM TEST (K STRING KEY, ID bigint, EVENT_TS int) WITH (kafka_topic='test_topic', value_format='JSON');
CREATE STREAM TS WITH (timestamp='event_ts') AS SELECT K, id, event_ts FROM test;
