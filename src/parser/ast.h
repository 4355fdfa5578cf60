/*
 * ast.h: the abstract syntax tree of one statement.
 *
 * The grammar (grammar.y) builds these nodes through the wr_ast_* constructors
 * and checks nothing; the binder (planner/bind.c) resolves names and types and
 * annotates expression nodes in place (the `bound` fields). Every node lives in
 * the statement's query arena (wr_parse.ar) and carries its source span as a
 * weir_loc into the text being parsed; nothing here is freed on its own.
 *
 * Identifiers are stored normalized: unquoted ones upper-cased, quoted ones
 * ("x" or `x`) with their case kept and the quotes removed, as ksqlDB does.
 * Literals keep their source text (numbers are range-checked by the binder, so
 * that "Invalid numeric literal" errors carry the literal's span).
 */
#ifndef WEIR_PARSER_AST_H
#define WEIR_PARSER_AST_H

#include <stdbool.h>
#include <stdint.h>

#include "common/arena.h"
#include "common/types.h"
#include "common/buf.h"
#include "weir/status.h"

struct wr_func;
typedef struct wr_parse wr_parse;

/* A growable array of node pointers, allocated in the query arena. */
typedef struct wr_list {
    int n;       /* number of items */
    int cap;     /* allocated slots */
    void **item; /* item[0..n) */
} wr_list;

/* An identifier: normalized name plus where it was written. */
typedef struct wr_ident {
    const char *name; /* normalized (see file comment); NULL if absent */
    bool quoted;      /* written as "x" or `x` */
    weir_loc loc;     /* span of the identifier in the text */
} wr_ident;

/* ---- types as written (resolved to wr_type by the binder) --------------- */

typedef enum wr_typename_kind {
    WR_TN_NAMED,  /* a name: INT, VARCHAR, DECIMAL(p, s), or a custom name */
    WR_TN_ARRAY,  /* ARRAY<elem> */
    WR_TN_MAP,    /* MAP<key, value> */
    WR_TN_STRUCT, /* STRUCT<name type, ...> */
} wr_typename_kind;

typedef struct wr_typename wr_typename;
struct wr_typename {
    wr_typename_kind kind; /* which form */
    wr_ident name;         /* NAMED: the type name */
    int nparams;           /* NAMED: number of (p, s) parameters, 0..2 */
    const char *params[2]; /* NAMED: parameter texts (integer literals) */
    weir_loc param_loc[2]; /* NAMED: spans of the parameters */
    wr_typename *a;        /* ARRAY elem; MAP key */
    wr_typename *b;        /* MAP value */
    wr_list *fields;       /* STRUCT: wr_coldef* (name + type) */
    weir_loc loc;          /* span of the whole type */
};

/* ---- expressions -------------------------------------------------------- */

typedef enum wr_expr_kind {
    WR_E_NULL,      /* NULL */
    WR_E_BOOL,      /* TRUE / FALSE: bval */
    WR_E_INTEGER,   /* integer literal: text (may start with '-') */
    WR_E_DECIMAL,   /* 1.5: text */
    WR_E_DOUBLE,    /* 1.5E0: text */
    WR_E_STRING,    /* 'x': sval (unescaped) */
    WR_E_COLUMN,    /* [qual.]name */
    WR_E_STAR,      /* [qual.]* in a select list or f(*) */
    WR_E_UNARY,     /* op a: WR_OP_NEG, WR_OP_PLUS, WR_OP_NOT */
    WR_E_BINARY,    /* a op b */
    WR_E_IS_NULL,   /* a IS [NOT] NULL */
    WR_E_DISTINCT,  /* a IS [NOT] DISTINCT FROM b */
    WR_E_BETWEEN,   /* a [NOT] BETWEEN b AND c */
    WR_E_IN,        /* a [NOT] IN (list) */
    WR_E_LIKE,      /* a [NOT] LIKE b [ESCAPE c] */
    WR_E_CASE,      /* CASE [a] WHEN..THEN.. [ELSE c] END: list of WHENs */
    WR_E_WHEN,      /* one WHEN a THEN b arm */
    WR_E_CAST,      /* CAST(a AS type) */
    WR_E_CALL,      /* name(list) / name(*) / name(DISTINCT list) */
    WR_E_DEREF,     /* a->name */
    WR_E_SUBSCRIPT, /* a[b] */
    WR_E_ARRAY,     /* ARRAY[list] */
    WR_E_MAP,       /* MAP(k := v, ...): list of WR_E_ENTRY */
    WR_E_STRUCT,    /* STRUCT(name := v, ...): list of WR_E_ENTRY */
    WR_E_ENTRY,     /* k := v inside MAP/STRUCT: a = key (or name), b = v */
    WR_E_KIND_COUNT
} wr_expr_kind;

typedef enum wr_op {
    WR_OP_NONE,
    WR_OP_ADD,
    WR_OP_SUB,
    WR_OP_MUL,
    WR_OP_DIV,
    WR_OP_MOD,
    WR_OP_CONCAT,
    WR_OP_EQ,
    WR_OP_NE,
    WR_OP_LT,
    WR_OP_LE,
    WR_OP_GT,
    WR_OP_GE,
    WR_OP_AND,
    WR_OP_OR,
    WR_OP_NEG,
    WR_OP_PLUS,
    WR_OP_NOT,
} wr_op;

typedef struct wr_expr wr_expr;
struct wr_expr {
    wr_expr_kind kind;    /* node kind */
    wr_op op;             /* UNARY / BINARY operator */
    bool negated;         /* NOT form of IS NULL, DISTINCT, BETWEEN, IN, LIKE */
    bool distinct;        /* CALL: f(DISTINCT ...) */
    bool bval;            /* BOOL literal value */
    bool parens;          /* written inside parentheses */
    const char *text;     /* number literal text */
    const char *sval;     /* STRING literal, unescaped */
    int32_t slen;         /* STRING literal length in bytes */
    wr_ident qual;        /* COLUMN/STAR qualifier (source name or alias) */
    wr_ident name;        /* COLUMN name, CALL function, DEREF field */
    wr_expr *a, *b, *c;   /* operands (see kinds) */
    wr_list *list;        /* CALL args, IN list, CASE WHENs, ctor items */
    wr_typename *cast_to; /* CAST target */
    weir_loc loc;         /* span of the whole expression */
    int height;           /* 1 + the height of the tallest operand */

    /* Filled by the binder. */
    const wr_type *type;      /* result type */
    const struct wr_func *fn; /* CALL: resolved function */
    int src;                  /* COLUMN: index of the source in scope */
    int col;                  /* COLUMN: column index in that source */
    bool is_agg;              /* contains an aggregate call */
};

/* ---- statements --------------------------------------------------------- */

/* A column definition in CREATE STREAM/TABLE (...) or a STRUCT field. */
typedef struct wr_coldef {
    wr_ident name;          /* column name */
    wr_typename *type;      /* declared type */
    bool key;               /* KEY */
    bool primary_key;       /* PRIMARY KEY */
    bool headers;           /* HEADERS (or HEADER('k')) */
    const char *header_key; /* HEADER('k'): the header key */
    weir_loc loc;           /* span of the whole definition */
    weir_loc key_loc;       /* span of KEY / PRIMARY KEY */
} wr_coldef;

/* One WITH property: name = literal. */
typedef struct wr_prop {
    wr_ident name;  /* property name (upper-cased unless quoted) */
    wr_expr *value; /* a literal expression */
    weir_loc loc;   /* span of name = value */
} wr_prop;

typedef enum wr_time_unit {
    WR_U_MILLISECONDS,
    WR_U_SECONDS,
    WR_U_MINUTES,
    WR_U_HOURS,
    WR_U_DAYS,
    WR_U_ROWS, /* count-based windows */
} wr_time_unit;

/* A duration as written: n unit. */
typedef struct wr_duration {
    bool set;          /* present in the text */
    const char *text;  /* the number as written */
    wr_time_unit unit; /* its unit */
    weir_loc loc;      /* span of "n unit" */
} wr_duration;

typedef enum wr_window_kind {
    WR_W_NONE,
    WR_W_TUMBLING,
    WR_W_HOPPING,
    WR_W_SESSION,
} wr_window_kind;

typedef struct wr_window {
    wr_window_kind kind;   /* TUMBLING, HOPPING or SESSION */
    wr_duration size;      /* SIZE (SESSION: the gap) */
    bool size_kw;          /* the size was written with the word SIZE */
    wr_duration advance;   /* HOPPING: ADVANCE BY */
    wr_duration retention; /* RETENTION */
    wr_duration grace;     /* GRACE PERIOD */
    weir_loc dup_loc;      /* an item given twice (off < 0: none) */
    weir_loc loc;          /* span of WINDOW ... ) */
} wr_window;

/* A source in FROM or JOIN. */
typedef struct wr_source_ref {
    wr_ident name;  /* stream or table name */
    wr_ident alias; /* alias; .name NULL when absent */
    weir_loc loc;   /* span of "name [alias]" */
} wr_source_ref;

typedef enum wr_join_type {
    WR_JOIN_INNER,
    WR_JOIN_LEFT,
    WR_JOIN_RIGHT,
    WR_JOIN_FULL,
} wr_join_type;

typedef struct wr_join {
    wr_join_type type;   /* join kind */
    wr_source_ref right; /* the joined source */
    bool within_set;     /* WITHIN given */
    wr_duration before;  /* WITHIN n / WITHIN (before, after) */
    wr_duration after;   /* == before for the one-value form */
    wr_duration grace;   /* GRACE PERIOD */
    wr_expr *on;         /* ON expression */
    weir_loc loc;        /* span of the join clause */
} wr_join;

/* One item of a select list: an expression with optional alias, or a star. */
typedef struct wr_select_item {
    wr_expr *expr;  /* WR_E_STAR for * and alias.* */
    wr_ident alias; /* AS alias; .name NULL when absent */
    weir_loc loc;   /* span of the item */
} wr_select_item;

typedef enum wr_emit {
    WR_EMIT_NONE,
    WR_EMIT_CHANGES,
    WR_EMIT_FINAL,
} wr_emit;

typedef struct wr_select {
    wr_list *items;               /* wr_select_item* */
    wr_source_ref from;           /* first source */
    wr_list *joins;               /* wr_join*, in order; NULL when none */
    wr_window *window;            /* WINDOW clause or NULL */
    wr_expr *where;               /* WHERE or NULL */
    wr_list *group_by;            /* wr_expr*; NULL when absent */
    weir_loc group_loc;           /* span of GROUP BY ... */
    wr_list *partition_by;        /* wr_expr*; NULL when absent */
    weir_loc partition_loc;       /* span of PARTITION BY ... */
    wr_expr *having;              /* HAVING or NULL */
    wr_emit emit;                 /* EMIT clause */
    weir_loc emit_loc;            /* span of the EMIT clause */
    bool emit_all;                /* EMIT FINAL ALL KEYS */
    bool emit_snapshot;           /* EMIT SNAPSHOT PER BATCH */
    const char *limit;            /* LIMIT text or NULL */
    weir_loc limit_loc;           /* span of the LIMIT number */
    weir_loc loc;                 /* span of the whole SELECT */
    struct wr_select *union_next; /* next branch of UNION ALL, or NULL */
    weir_loc union_loc;           /* span of the UNION ALL before this
                                     branch (branches after the first) */
} wr_select;

typedef enum wr_stmt_kind {
    WR_S_CREATE_SOURCE, /* CREATE STREAM|TABLE name (cols) WITH (...) */
    WR_S_CREATE_AS,     /* CREATE STREAM|TABLE name [WITH] AS SELECT */
    WR_S_INSERT_SELECT, /* INSERT INTO name SELECT */
    WR_S_INSERT_VALUES, /* INSERT INTO name [(cols)] VALUES (...) */
    WR_S_SELECT,        /* a push query */
    WR_S_DROP,          /* DROP STREAM|TABLE */
    WR_S_SHOW,          /* SHOW/LIST STREAMS|TABLES|QUERIES|... */
    WR_S_DESCRIBE,      /* DESCRIBE name [EXTENDED] */
    WR_S_EXPLAIN,       /* EXPLAIN statement | EXPLAIN query_id */
    WR_S_SET,           /* SET 'key' = 'value' */
    WR_S_UNSET,         /* UNSET 'key' */
    WR_S_TERMINATE,     /* TERMINATE id | ALL */
    WR_S_RUN_SCRIPT,    /* RUN SCRIPT 'file' */
    WR_S_KIND_COUNT
} wr_stmt_kind;

typedef enum wr_show_what {
    WR_SHOW_STREAMS,
    WR_SHOW_TABLES,
    WR_SHOW_QUERIES,
    WR_SHOW_PROPERTIES,
    WR_SHOW_TOPICS,
    WR_SHOW_FUNCTIONS,
} wr_show_what;

typedef struct wr_stmt wr_stmt;
struct wr_stmt {
    wr_stmt_kind kind;  /* statement kind */
    bool table;         /* CREATE/DROP TABLE (else STREAM) */
    bool or_replace;    /* CREATE OR REPLACE */
    bool if_not_exists; /* CREATE ... IF NOT EXISTS */
    bool if_exists;     /* DROP ... IF EXISTS */
    bool delete_topic;  /* DROP ... DELETE TOPIC */
    bool extended;      /* DESCRIBE/SHOW ... EXTENDED */
    bool all;           /* TERMINATE ALL */
    wr_show_what show;  /* SHOW: what */
    wr_ident name;      /* target: created/dropped/described/inserted */
    wr_list *cols;      /* CREATE: wr_coldef*; INSERT VALUES: wr_ident* */
    weir_loc cols_loc;  /* span of the column list */
    wr_list *with;      /* WITH properties: wr_prop*; NULL when absent */
    weir_loc with_loc;  /* span of WITH (...) */
    wr_select *select;  /* CREATE AS / INSERT SELECT / SELECT */
    wr_list *values;    /* INSERT VALUES: wr_expr* */
    wr_stmt *inner;     /* EXPLAIN statement */
    int union_n;        /* UNION ALL split by the engine: branches, else 0 */
    int union_k;        /* and which branch this statement runs (0..n-1) */
    weir_loc union_loc; /* span of the first UNION keyword */
    const char *str;    /* SET/UNSET key, RUN SCRIPT file, query id */
    const char *str2;   /* SET value */
    weir_loc str2_loc;  /* span of str2 */
    weir_loc str_loc;   /* span of str */
    weir_loc loc;       /* span of the whole statement (without ';') */
};

/* ---- constructors (called from grammar actions) --------------------------
 * Each returns a node allocated in p's query arena, or NULL after recording
 * WEIR_E_NOMEM in p (the driver then fails the statement); NULL operands are
 * accepted and propagate NULL. Locations are computed from the operands or
 * from the first token to the end of the last consumed token. */

wr_list *wr_ast_list_append(wr_parse *p, wr_list *list, void *item);

/* Appends item to list (created in ar when NULL) and returns the list; on
 * out of memory returns NULL for a new list, or the list unchanged. */
wr_list *wr_list_push(wr_arena *ar, wr_list *list, void *item);
weir_loc wr_loc_span(weir_loc a, weir_loc b);

wr_ident wr_ast_ident(wr_parse *p, weir_loc tok, bool quoted);
wr_ident wr_ast_noident(void);
wr_ident *wr_ast_ident_dup(wr_parse *p, wr_ident id);
/* The token's text copied into the arena. */
const char *wr_ast_tok(wr_parse *p, weir_loc tok);
/* A quoted token ('x', "x" or `x`) unquoted into the arena; *len gets the
 * byte length when len is not NULL. */
const char *wr_ast_unquote(wr_parse *p, weir_loc tok, int32_t *len);

wr_expr *wr_ast_literal(wr_parse *p, wr_expr_kind kind, weir_loc tok);
wr_expr *wr_ast_string(wr_parse *p, weir_loc tok);
wr_expr *wr_ast_column(wr_parse *p, const wr_ident *qual, wr_ident name);
wr_expr *wr_ast_star(wr_parse *p, const wr_ident *qual, weir_loc loc);
wr_expr *wr_ast_unary(wr_parse *p, wr_op op, wr_expr *a, weir_loc oploc);
wr_expr *wr_ast_binary(wr_parse *p, wr_op op, wr_expr *a, wr_expr *b);
wr_expr *wr_ast_pred(wr_parse *p, wr_expr_kind kind, wr_expr *a, wr_expr *b,
                     wr_expr *c, bool negated);
wr_expr *wr_ast_case(wr_parse *p, weir_loc start, wr_expr *operand,
                     wr_list *whens, wr_expr *else_);
wr_expr *wr_ast_when(wr_parse *p, weir_loc start, wr_expr *cond, wr_expr *then);
wr_expr *wr_ast_cast(wr_parse *p, weir_loc start, wr_expr *a,
                     wr_typename *type);
wr_expr *wr_ast_call(wr_parse *p, wr_ident name, wr_list *args, bool distinct);
wr_expr *wr_ast_deref(wr_parse *p, wr_expr *a, wr_ident field);
wr_expr *wr_ast_subscript(wr_parse *p, wr_expr *a, wr_expr *index);
wr_expr *wr_ast_ctor(wr_parse *p, wr_expr_kind kind, weir_loc start,
                     wr_list *items);
wr_expr *wr_ast_entry(wr_parse *p, wr_expr *key, wr_expr *value);
wr_expr *wr_ast_parens(wr_parse *p, wr_expr *e, weir_loc l, weir_loc r);

wr_typename *wr_ast_typename(wr_parse *p, wr_typename_kind kind, weir_loc loc);
wr_coldef *wr_ast_coldef(wr_parse *p, wr_ident name, wr_typename *type);
wr_prop *wr_ast_prop(wr_parse *p, wr_ident name, wr_expr *value);
wr_stmt *wr_ast_stmt(wr_parse *p, wr_stmt_kind kind, weir_loc start);
wr_select *wr_ast_select(wr_parse *p, weir_loc start);
wr_select_item *wr_ast_selitem(wr_parse *p, wr_expr *e, wr_ident alias);
wr_join *wr_ast_join(wr_parse *p, int type, wr_source_ref right, wr_expr *on,
                     weir_loc start);
/* A duration from a number token and a unit word. */
wr_duration wr_ast_duration(wr_parse *p, weir_loc num, weir_loc unit);
/* Adds one item to the window being built in p (which: 0 bare duration,
 * 1 SIZE, 2 ADVANCE BY, 3 RETENTION, 4 GRACE PERIOD). */
void wr_ast_window_item(wr_parse *p, int which, wr_duration d);

/* The text of a token: a borrowed pointer into the parsed text (not
 * NUL-terminated; use loc.len). */
const char *wr_parse_text(const wr_parse *p, weir_loc loc);

/* ---- printing ------------------------------------------------------------
 * Dumps are used by golden tests and `weir explain --ast`. */

/* Appends the SQL text form of e to b, ksqlDB style: "(A + B)", "ABS(X)". */
void wr_ast_expr_sql(wr_buf *b, const wr_expr *e);

/* Appends an indented S-expression dump of s to b. */
void wr_ast_stmt_dump(wr_buf *b, const wr_stmt *s);

/* Name of a statement kind, e.g. "CREATE_AS". */
const char *wr_stmt_kind_name(wr_stmt_kind k);

#endif
