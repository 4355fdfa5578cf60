-- A stream-table join against a table made by CREATE TABLE AS SELECT:
-- the table's rows are written as each login arrives, so each click sees
-- the region of the logins before it (regression: weir test fed derived
-- topics after every input, and kept topic pointers across reallocation).
CREATE STREAM logins (uid INT KEY, region STRING) WITH (KAFKA_TOPIC='logins', VALUE_FORMAT='JSON');
CREATE TABLE last_region AS SELECT uid, LATEST_BY_OFFSET(region) AS region FROM logins GROUP BY uid;
CREATE STREAM clicks (uid INT KEY, page STRING) WITH (KAFKA_TOPIC='clicks', VALUE_FORMAT='JSON');
CREATE STREAM enriched AS SELECT c.uid, c.page, r.region FROM clicks c LEFT JOIN last_region r ON c.uid = r.uid;
