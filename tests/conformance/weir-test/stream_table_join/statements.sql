CREATE STREAM clicks (uid INT KEY, page STRING) WITH (KAFKA_TOPIC='clicks', VALUE_FORMAT='JSON');
CREATE TABLE users (uid INT PRIMARY KEY, name STRING) WITH (KAFKA_TOPIC='users', VALUE_FORMAT='JSON');
CREATE STREAM enriched AS SELECT c.uid, c.page, u.name FROM clicks c LEFT JOIN users u ON c.uid = u.uid;
