-- WRAP_SINGLE_VALUE=false: a JSON value that is the one value column's
-- value alone (ksqlDB's unwrapped single values), read and written.
CREATE STREAM INPUT (ID INT KEY, NAME STRING) WITH (kafka_topic='input', value_format='JSON', WRAP_SINGLE_VALUE=false);
CREATE STREAM WRAPPED AS SELECT ID, UCASE(NAME) AS NAME FROM INPUT;
CREATE STREAM BARE WITH (WRAP_SINGLE_VALUE=false) AS SELECT ID, LEN(NAME) AS L FROM INPUT;
