/*
 * datagen.h: sample event generators, like ksqlDB's datagen quickstarts,
 * for `weir datagen` and for tests. Pure computation: no Kafka, no clock.
 *
 * Quickstarts (key column first; every key in the KAFKA key format):
 *
 *   pageviews  STREAM: pageid STRING KEY, viewtime BIGINT, userid STRING
 *   users      TABLE:  userid STRING PRIMARY KEY, registertime BIGINT,
 *                      regionid STRING, gender STRING
 *   orders     STREAM: orderid INT KEY, ordertime BIGINT, itemid STRING,
 *                      orderunits DOUBLE, city STRING, state STRING,
 *                      zipcode BIGINT
 *
 * Values follow ksqlDB's quickstart shapes (User_1..User_9, Page_1..Page_99,
 * Region_1..Region_9, Item_1..Item_999, City_/State_1..99, zipcodes
 * 10000..99999, order units 0.10..10.00, order ids 0, 1, 2, ...). The
 * orders address is flattened into city, state and zipcode, so every
 * quickstart also has a DELIMITED form.
 *
 * A record's value holds the value columns only (the key column is in the
 * key, as ksqlDB reads a declared KEY column), encoded as ksqlDB writes
 * them: a JSON object with upper-case field names, or a CSV line in
 * declaration order. Record timestamps start at start_ms and advance by a
 * random gap (0 up to twice the quickstart's mean: 100 ms for pageviews,
 * 1 s for users, 500 ms for orders); viewtime and ordertime equal the
 * record's timestamp, registertime is fixed per user before start_ms.
 *
 * Determinism: all randomness comes from a splitmix64 generator seeded
 * with the seed only, and no floating-point library function shapes a
 * value, so a (quickstart, format, seed, start_ms) yields the same bytes
 * on every run and platform.
 */
#ifndef WEIR_CONNECTORS_DATAGEN_H
#define WEIR_CONNECTORS_DATAGEN_H

#include <stdbool.h>
#include <stdint.h>

#include "common/buf.h"
#include "planner/catalog.h"
#include "weir/status.h"

typedef struct wr_datagen wr_datagen;

/* A generator for quickstart ("pageviews", "users", "orders",
 * case-insensitive) writing values in fmt (WR_FMT_JSON or
 * WR_FMT_DELIMITED). Caller frees it with wr_datagen_free(). NULL with st
 * set: WEIR_E_USAGE for an unknown quickstart, WEIR_E_UNSUPPORTED for
 * another format, WEIR_E_NOMEM. */
wr_datagen *wr_datagen_new(const char *quickstart, wr_format fmt, uint64_t seed,
                           int64_t start_ms, weir_status *st);

/* Generates the next record: replaces the contents of key (KAFKA format)
 * and value (borrowed, owned by the caller) and sets *ts to its timestamp
 * (ms since the epoch, never less than the previous one). Returns false
 * when out of memory (key or value then has oom set). */
bool wr_datagen_next(wr_datagen *g, wr_buf *key, wr_buf *value, int64_t *ts);

/* Frees g. NULL is a no-op. */
void wr_datagen_free(wr_datagen *g);

/* The canonical name of a quickstart ("pageviews"), or NULL when
 * quickstart is unknown. Static storage. */
const char *wr_datagen_quickstart(const char *quickstart);

/* The quickstarts' names, comma-separated ("pageviews, users, orders").
 * Static storage. */
const char *wr_datagen_quickstarts(void);

/*
 * The CREATE STREAM (or TABLE, for users) statement that declares what the
 * generator writes to topic in fmt, named after the quickstart, ending
 * with ";\n". Caller frees the result with free(). NULL when quickstart is
 * unknown or out of memory. Borrows topic (quotes in it are doubled).
 */
char *wr_datagen_schema(const char *quickstart, wr_format fmt,
                        const char *topic);

#endif
