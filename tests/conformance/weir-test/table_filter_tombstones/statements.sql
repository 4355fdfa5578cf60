CREATE TABLE users (id INT PRIMARY KEY, plan STRING, visits INT) WITH (KAFKA_TOPIC='users', VALUE_FORMAT='JSON');
CREATE TABLE paying AS SELECT id, plan, visits FROM users WHERE plan <> 'free';
