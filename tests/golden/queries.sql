-- Query shapes: projections with star and qualified star, aliases, push
-- queries with LIMIT, CTAS/CSAS with WITH properties, PARTITION BY,
-- INSERT INTO ... SELECT, and pseudo-columns.
CREATE STREAM readings (sensor STRING KEY, area STRING, temp DOUBLE, ok BOOLEAN)
  WITH (kafka_topic='readings', value_format='JSON');

SELECT * FROM readings EMIT CHANGES;
SELECT r.* FROM readings r WHERE r.ok EMIT CHANGES LIMIT 5;
SELECT sensor, temp * 1.8 + 32 fahrenheit, ROWTIME AS at FROM readings EMIT CHANGES;

CREATE STREAM hot WITH (kafka_topic='hot', value_format='DELIMITED', partitions=2) AS
  SELECT sensor, area, temp FROM readings WHERE temp > 30.0;

CREATE STREAM by_area AS
  SELECT area, sensor, temp FROM readings PARTITION BY area;

INSERT INTO hot SELECT sensor, area, temp FROM readings WHERE temp < -30.0;

CREATE TABLE area_max AS
  SELECT area, MAX(temp) AS max_temp, COUNT(*) AS n
  FROM readings GROUP BY area;

CREATE TABLE area_ok WITH (key_format='JSON') AS
  SELECT area, ok, COUNT(*) AS n FROM readings GROUP BY area, ok;
