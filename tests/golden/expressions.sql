-- Expressions: operators and precedence, CASE, CAST, BETWEEN, IN, LIKE with
-- ESCAPE, IS [NOT] NULL, IS [NOT] DISTINCT FROM, dereference, subscript,
-- constructors, function calls, literals, quoted identifiers and comments.
CREATE STREAM events (
  id BIGINT KEY,
  name STRING,
  score DOUBLE,
  n INT,
  amount DECIMAL(8, 3),
  tags ARRAY<STRING>,
  attrs MAP<STRING, INT>,
  addr STRUCT<street STRING, zip INT>,
  `Quoted Col` STRING
) WITH (kafka_topic='events', value_format='JSON');

CREATE STREAM arith AS
  SELECT id,
         n + 1 * 2 - 3 / 4 % 5 AS prec,    -- * / % bind tighter than + -
         (n + 1) * 2 AS parens,
         -n AS neg, +score AS pos, - - n AS negneg,
         name || '-' || CAST(n AS STRING) AS concat,
         1.5 AS dec_lit, 1.5E3 AS float_lit, 42 AS int_lit,
         'it''s' AS quoted, TRUE AS t, FALSE AS f
  FROM events
  WHERE NOT n > 3 AND score <= 1.0 OR name = 'x' AND n != 7;

CREATE STREAM predicates AS
  SELECT id,
         n BETWEEN 1 AND 10 AS btw,
         n NOT BETWEEN -1 AND 1 AS nbtw,
         name IN ('a', 'b', 'c') AS in_list,
         n NOT IN (1, 2) AS not_in,
         name LIKE 'a%' AS lk,
         name NOT LIKE '%\_x' ESCAPE '\' AS nlk_esc,
         name IS NULL AS isnull,
         score IS NOT NULL AS notnull,
         n IS DISTINCT FROM 3 AS dist,
         n IS NOT DISTINCT FROM NULL AS ndist,
         n >= 1 AND n < 2 OR n <> 5 AND n == 6 AS cmp
  FROM events
  WHERE name IS NOT NULL;

CREATE STREAM cases AS
  SELECT id,
         CASE WHEN n < 0 THEN 'neg' WHEN n = 0 THEN 'zero' ELSE 'pos' END AS sign,
         CASE n WHEN 1 THEN 'one' WHEN 2 THEN 'two' END AS simple,
         CAST(score AS INT) AS as_int,
         CAST(n AS DECIMAL(10, 2)) AS as_dec,
         CAST(name AS BIGINT) AS as_big,
         COALESCE(name, 'none') AS coalesced,
         IFNULL(n, 0) AS ifnulled,
         ABS(score) + ROUND(score, 2) AS fns,
         CONCAT(name, '!') AS fn_concat,
         SUBSTRING(UCASE(TRIM(name)), 1, 3) AS nested_fn
  FROM events;

CREATE STREAM structured AS
  SELECT id,
         addr->street AS street,
         addr->zip + 1 AS zip1,
         tags[1] AS first_tag,
         attrs['k'] AS attr_k,
         ARRAY[1, 2, n] AS arr,
         MAP('a' := n, 'b' := 2) AS m,
         STRUCT(x := n, y := name) AS s,
         `Quoted Col` AS "Renamed",
         events.name AS qualified
  FROM events;

/* A block comment
   spanning lines. */
SELECT * FROM events WHERE amount > 1.250 EMIT CHANGES;
SELECT e.*, ROWTIME FROM events e EMIT CHANGES;
