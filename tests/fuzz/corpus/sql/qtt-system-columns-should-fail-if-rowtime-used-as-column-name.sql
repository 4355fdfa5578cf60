CREATE STREAM INPUT (K STRING KEY, x int) WITH (kafka_topic='test', value_format='JSON');
CREATE STREAM OUTPUT AS SELECT K, x AS rowtime FROM INPUT;
