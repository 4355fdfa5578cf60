/*
** grammar.y: the SQL grammar of weir (lemon source; the parser is generated
** into the build tree and never committed). This file is the source of truth
** for the syntax; docs/sql.md describes it for users.
**
** The dialect is ksqlDB's. Actions only build AST nodes through the wr_ast_*
** constructors (ast.c) or set fields of nodes being built; no name, type or
** semantic check happens here (that is the binder's work). Every node gets a
** span: wr_parse_span(p, first_token) covers from a token to the end of the
** last token consumed. The driver (parse.c) feeds one statement's tokens and
** then end-of-input, and stops at the first syntax error.
**
** lemon runs with -c (no compressed default reductions) so that keywords that
** fall back to identifiers (%fallback) are only treated as identifiers where a
** keyword cannot appear.
*/
%name wr_parser
%token_prefix TK_
%token_type {weir_loc}
%default_type {weir_loc}
%extra_context {wr_parse *p}
%start_symbol input

%include {
/* Generated from src/parser/grammar.y by lemon. Do not edit. */
#include <assert.h>
#include <stdlib.h>
#include <string.h>

#include "parser/parser_int.h"

#define YYNOERRORRECOVERY 1
#define YYPARSEFREENEVERNULL 1
#define YYMALLOCARGTYPE size_t
#define NDEBUG_UNUSED
}

%syntax_error {
    (void)yymajor;
    if (yymajor == 0) {
        wr_parse_error(p, yyminor, "syntax error: unexpected end of statement");
    } else {
        wr_parse_error(p, yyminor, "syntax error near '%.*s'",
                       (int)(yyminor.len > 40 ? 40 : yyminor.len),
                       wr_parse_text(p, yyminor));
    }
}

%stack_overflow {
    wr_parse_error(p, p->lookahead, "statement too deeply nested");
}
%stack_size 400

/* Tokens the lexer produces that no rule below names first. */
%token ID QID STRING INTEGER DECIMAL FLOAT SEMI.

/* Non-reserved keywords: usable as identifiers where a keyword cannot be. */
%fallback ID
  ADVANCE ALL CHANGES DELETE DESCRIBE DROP EMIT EXPLAIN EXTENDED FINAL
  BATCH FUNCTIONS GRACE HEADER HEADERS HOPPING IF KEY KEYS LIST PER SNAPSHOT MAP PERIOD PRIMARY
  PROPERTIES QUERIES REPLACE RETENTION RUN SCRIPT SESSION SET SHOW SIZE
  STREAM STREAMS TABLE TABLES TERMINATE TOPIC TOPICS TUMBLING UNSET VALUES
  ARRAY STRUCT EXISTS.

%left OR.
%left AND.
%right NOT.
%left IS LIKE BETWEEN IN NE EQ.
%left GT LE LT GE.
%right ESCAPE.
%left CONCAT.
%left PLUS MINUS.
%left STAR SLASH REM.
%right UMINUS.
%left ARROW LBRACKET.

%type stmt {wr_stmt *}
%type ident {wr_ident}
%type ident_opt {wr_ident}
%type alias_opt {wr_ident}
%type expr {wr_expr *}
%type literal {wr_expr *}
%type exprlist {wr_list *}
%type exprlist_opt {wr_list *}
%type inlist {wr_list *}
%type when_list {wr_list *}
%type else_opt {wr_expr *}
%type entries {wr_list *}
%type entry {wr_expr *}
%type typename {wr_typename *}
%type fieldlist {wr_list *}
%type field {wr_coldef *}
%type coldefs {wr_list *}
%type coldef {wr_coldef *}
%type colopt {int}
%type identlist {wr_list *}
%type with_opt {wr_list *}
%type props {wr_list *}
%type prop {wr_prop *}
%type kind {int}
%type or_replace {int}
%type if_not_exists {int}
%type if_exists {int}
%type delete_topic {int}
%type extended {int}
%type select {wr_select *}
%type selectu {wr_select *}
%type selitems {wr_list *}
%type selitem {wr_select_item *}
%type source {wr_source_ref}
%type joins {wr_list *}
%type join {wr_join *}
%type jointype {int}
%type window_opt {wr_window *}
%type window {wr_window *}
%type winitems {wr_window *}
%type wintype {int}
%type where_opt {wr_expr *}
%type groupby_opt {wr_list *}
%type partition_opt {wr_list *}
%type having_opt {wr_expr *}
%type emit_opt {int}
%type show_what {int}
%type duration {wr_duration}
%type str {weir_loc}
%type number {weir_loc}

input ::= stmt(S). { p->stmt = S; }

/* ------------------------------------------------------------ identifiers */
ident(A) ::= ID(X).  { A = wr_ast_ident(p, X, false); }
ident(A) ::= QID(X). { A = wr_ast_ident(p, X, true); }

/* ------------------------------------------- CREATE STREAM / TABLE (DDL) */
kind(A) ::= STREAM. { A = 0; }
kind(A) ::= TABLE.  { A = 1; }

or_replace(A) ::= .          { A = 0; }
or_replace(A) ::= OR REPLACE. { A = 1; }
if_not_exists(A) ::= .              { A = 0; }
if_not_exists(A) ::= IF NOT EXISTS. { A = 1; }

stmt(A) ::= CREATE(C) or_replace(R) kind(K) if_not_exists(E) ident(N)
            LP(L) coldefs(CS) RP with_opt(W). {
    A = wr_ast_stmt(p, WR_S_CREATE_SOURCE, C);
    if (A) { A->or_replace = R; A->table = K; A->if_not_exists = E;
             A->name = N; A->cols = CS; A->cols_loc = wr_parse_span(p, L);
             A->with = W; }
}
stmt(A) ::= CREATE(C) or_replace(R) kind(K) if_not_exists(E) ident(N)
            with_opt(W). {
    A = wr_ast_stmt(p, WR_S_CREATE_SOURCE, C);
    if (A) { A->or_replace = R; A->table = K; A->if_not_exists = E;
             A->name = N; A->with = W; }
}
stmt(A) ::= CREATE(C) or_replace(R) kind(K) if_not_exists(E) ident(N)
            with_opt(W) AS selectu(S). {
    A = wr_ast_stmt(p, WR_S_CREATE_AS, C);
    if (A) { A->or_replace = R; A->table = K; A->if_not_exists = E;
             A->name = N; A->with = W; A->select = S; }
}

coldefs(A) ::= coldef(X).                  { A = wr_ast_list_append(p, NULL, X); }
coldefs(A) ::= coldefs(L) COMMA coldef(X). { A = wr_ast_list_append(p, L, X); }

coldef(A) ::= ident(N) typename(T) colopt(O). {
    A = wr_ast_coldef(p, N, T);
    if (A) { A->key = O == 1; A->primary_key = O == 2; A->headers = O == 3;
             A->key_loc = p->prev_opt; }
}
coldef(A) ::= ident(N) typename(T) HEADER(H) LP str(K) RP. {
    A = wr_ast_coldef(p, N, T);
    if (A) { A->headers = true; A->header_key = wr_ast_unquote(p, K, NULL);
             A->key_loc = wr_parse_span(p, H); }
}

colopt(A) ::= .                        { A = 0; }
colopt(A) ::= KEY(K).                  { A = 1; p->prev_opt = K; }
colopt(A) ::= PRIMARY(K) KEY.          { A = 2; p->prev_opt = wr_parse_span(p, K); }
colopt(A) ::= HEADERS(K).              { A = 3; p->prev_opt = K; }

/* Types: names (INT, VARCHAR, DECIMAL(p, s), ...) are checked by the binder. */
typename(A) ::= ident(N). {
    A = wr_ast_typename(p, WR_TN_NAMED, N.loc); if (A) A->name = N;
}
typename(A) ::= ident(N) LP number(P) COMMA number(S) RP. {
    A = wr_ast_typename(p, WR_TN_NAMED, N.loc);
    if (A) { A->name = N; A->nparams = 2;
             A->params[0] = wr_ast_tok(p, P); A->param_loc[0] = P;
             A->params[1] = wr_ast_tok(p, S); A->param_loc[1] = S;
             A->loc = wr_parse_span(p, N.loc); }
}
/* VARCHAR(STRING): ksqlDB's spelling of an unbounded string. */
typename(A) ::= ident(N) LP ident(P) RP. {
    A = wr_ast_typename(p, WR_TN_NAMED, N.loc);
    if (A) { A->name = N; A->nparams = 1;
             A->params[0] = P.name; A->param_loc[0] = P.loc;
             A->loc = wr_parse_span(p, N.loc); }
}
typename(A) ::= ARRAY(X) LT typename(E) GT. {
    A = wr_ast_typename(p, WR_TN_ARRAY, X);
    if (A) { A->a = E; A->loc = wr_parse_span(p, X); }
}
typename(A) ::= MAP(X) LT typename(K) COMMA typename(V) GT. {
    A = wr_ast_typename(p, WR_TN_MAP, X);
    if (A) { A->a = K; A->b = V; A->loc = wr_parse_span(p, X); }
}
typename(A) ::= STRUCT(X) LT fieldlist(F) GT. {
    A = wr_ast_typename(p, WR_TN_STRUCT, X);
    if (A) { A->fields = F; A->loc = wr_parse_span(p, X); }
}
typename(A) ::= STRUCT(X) LT GT. {
    A = wr_ast_typename(p, WR_TN_STRUCT, X);
    if (A) { A->loc = wr_parse_span(p, X); }
}
fieldlist(A) ::= field(F).                    { A = wr_ast_list_append(p, NULL, F); }
fieldlist(A) ::= fieldlist(L) COMMA field(F). { A = wr_ast_list_append(p, L, F); }
field(A) ::= ident(N) typename(T).            { A = wr_ast_coldef(p, N, T); }

number(A) ::= INTEGER(X). { A = X; }

with_opt(A) ::= .                    { A = NULL; }
with_opt(A) ::= WITH(W) LP props(L) RP. {
    A = L; p->with_loc = wr_parse_span(p, W);
}
props(A) ::= prop(X).                 { A = wr_ast_list_append(p, NULL, X); }
props(A) ::= props(L) COMMA prop(X).  { A = wr_ast_list_append(p, L, X); }
prop(A) ::= ident(N) EQ literal(V).   { A = wr_ast_prop(p, N, V); }
prop(A) ::= ident(N) EQ MINUS(M) literal(V). {
    A = wr_ast_prop(p, N, wr_ast_unary(p, WR_OP_NEG, V, M));
}

/* ------------------------------------------------------------ INSERT INTO */
stmt(A) ::= INSERT(I) INTO ident(N) with_opt(W) selectu(S). {
    A = wr_ast_stmt(p, WR_S_INSERT_SELECT, I);
    if (A) { A->name = N; A->with = W; A->select = S; }
}
stmt(A) ::= INSERT(I) INTO ident(N) VALUES LP exprlist(V) RP. {
    A = wr_ast_stmt(p, WR_S_INSERT_VALUES, I);
    if (A) { A->name = N; A->values = V; }
}
stmt(A) ::= INSERT(I) INTO ident(N) LP(L) identlist(C) RP VALUES
            LP exprlist(V) RP. {
    A = wr_ast_stmt(p, WR_S_INSERT_VALUES, I);
    if (A) { A->name = N; A->cols = C; A->cols_loc = L; A->values = V; }
}
identlist(A) ::= ident(X).  { A = wr_ast_list_append(p, NULL, wr_ast_ident_dup(p, X)); }
identlist(A) ::= identlist(L) COMMA ident(X). {
    A = wr_ast_list_append(p, L, wr_ast_ident_dup(p, X));
}

/* ------------------------------------------------------------ push query */
stmt(A) ::= selectu(S). {
    A = wr_ast_stmt(p, WR_S_SELECT, S ? S->loc : p->lookahead);
    if (A) A->select = S;
}

/* ----------------------------------------------------- other statements */
stmt(A) ::= DROP(D) kind(K) if_exists(E) ident(N) delete_topic(T). {
    A = wr_ast_stmt(p, WR_S_DROP, D);
    if (A) { A->table = K; A->if_exists = E; A->name = N; A->delete_topic = T; }
}
if_exists(A) ::= .           { A = 0; }
if_exists(A) ::= IF EXISTS.  { A = 1; }
delete_topic(A) ::= .             { A = 0; }
delete_topic(A) ::= DELETE TOPIC. { A = 1; }

stmt(A) ::= SHOW(S) show_what(W) extended(E). {
    A = wr_ast_stmt(p, WR_S_SHOW, S);
    if (A) { A->show = (wr_show_what)W; A->extended = E; }
}
stmt(A) ::= LIST(S) show_what(W) extended(E). {
    A = wr_ast_stmt(p, WR_S_SHOW, S);
    if (A) { A->show = (wr_show_what)W; A->extended = E; }
}
show_what(A) ::= STREAMS.    { A = WR_SHOW_STREAMS; }
show_what(A) ::= TABLES.     { A = WR_SHOW_TABLES; }
show_what(A) ::= QUERIES.    { A = WR_SHOW_QUERIES; }
show_what(A) ::= PROPERTIES. { A = WR_SHOW_PROPERTIES; }
show_what(A) ::= TOPICS.     { A = WR_SHOW_TOPICS; }
show_what(A) ::= FUNCTIONS.  { A = WR_SHOW_FUNCTIONS; }
extended(A) ::= .         { A = 0; }
extended(A) ::= EXTENDED. { A = 1; }

stmt(A) ::= DESCRIBE(D) ident(N) extended(E). {
    A = wr_ast_stmt(p, WR_S_DESCRIBE, D);
    if (A) { A->name = N; A->extended = E; }
}
/* DESCRIBE STREAMS|TABLES [EXTENDED] lists, like SHOW ... EXTENDED. */
stmt(A) ::= DESCRIBE(D) STREAMS extended. {
    A = wr_ast_stmt(p, WR_S_SHOW, D);
    if (A) { A->show = WR_SHOW_STREAMS; A->extended = true; }
}
stmt(A) ::= DESCRIBE(D) TABLES extended. {
    A = wr_ast_stmt(p, WR_S_SHOW, D);
    if (A) { A->show = WR_SHOW_TABLES; A->extended = true; }
}
/* DESCRIBE FUNCTION name: the word FUNCTION is checked by the binder. */
stmt(A) ::= DESCRIBE(D) ident(K) ident(N). {
    A = wr_ast_stmt(p, WR_S_DESCRIBE, D);
    if (A) { A->name = N; A->str = K.name; A->str_loc = K.loc; }
}
stmt(A) ::= EXPLAIN(E) stmt(S). {
    A = wr_ast_stmt(p, WR_S_EXPLAIN, E);
    if (A) A->inner = S;
}
stmt(A) ::= EXPLAIN(E) ident(Q). {
    A = wr_ast_stmt(p, WR_S_EXPLAIN, E);
    if (A) { A->str = Q.name; A->str_loc = Q.loc; }
}
stmt(A) ::= SET(S) str(K) EQ str(V). {
    A = wr_ast_stmt(p, WR_S_SET, S);
    if (A) { A->str = wr_ast_unquote(p, K, NULL); A->str_loc = K;
             A->str2 = wr_ast_unquote(p, V, NULL); A->str2_loc = V; }
}
stmt(A) ::= UNSET(S) str(K). {
    A = wr_ast_stmt(p, WR_S_UNSET, S);
    if (A) { A->str = wr_ast_unquote(p, K, NULL); A->str_loc = K; }
}
stmt(A) ::= TERMINATE(T) ident(Q). {
    A = wr_ast_stmt(p, WR_S_TERMINATE, T);
    if (A) { A->str = Q.name; A->str_loc = Q.loc; }
}
stmt(A) ::= TERMINATE(T) ALL. {
    A = wr_ast_stmt(p, WR_S_TERMINATE, T);
    if (A) A->all = true;
}
stmt(A) ::= RUN(R) SCRIPT str(F). {
    A = wr_ast_stmt(p, WR_S_RUN_SCRIPT, R);
    if (A) { A->str = wr_ast_unquote(p, F, NULL); A->str_loc = F; }
}
str(A) ::= STRING(X). { A = X; }

/* ----------------------------------------------------------------- SELECT */
/* UNION ALL: the branches chained through union_next (the engine runs each
 * as its own query into the same sink, see engine.c). */
selectu(A) ::= select(S). { A = S; }
selectu(A) ::= selectu(L) UNION(U) ALL select(S). {
    A = L;
    if (A && S) {
        wr_select *t = A;
        while (t->union_next)
            t = t->union_next;
        t->union_next = S;
        S->union_loc = U;
        A->loc = wr_parse_span(p, A->loc);
    }
}
select(A) ::= SELECT(S) selitems(I) FROM source(F) joins(J) window_opt(W)
              where_opt(WH) groupby_opt(G) partition_opt(PB) having_opt(H)
              emit_opt(E) limit_opt. {
    A = wr_ast_select(p, S);
    if (A) { A->items = I; A->from = F; A->joins = J; A->window = W;
             A->where = WH; A->group_by = G; A->partition_by = PB;
             A->having = H; A->emit = (wr_emit)E; }
}

selitems(A) ::= selitem(X).                  { A = wr_ast_list_append(p, NULL, X); }
selitems(A) ::= selitems(L) COMMA selitem(X). { A = wr_ast_list_append(p, L, X); }
selitem(A) ::= expr(E) alias_opt(N).  { A = wr_ast_selitem(p, E, N); }
selitem(A) ::= STAR(S).               { A = wr_ast_selitem(p, wr_ast_star(p, NULL, S), wr_ast_noident()); }
selitem(A) ::= ident(Q) DOT STAR(S).  {
    A = wr_ast_selitem(p, wr_ast_star(p, &Q, wr_parse_span(p, Q.loc)), wr_ast_noident());
    (void)S;
}

alias_opt(A) ::= .             { A = wr_ast_noident(); }
alias_opt(A) ::= ident(N).     { A = N; }
alias_opt(A) ::= AS ident(N).  { A = N; }

source(A) ::= ident(N) alias_opt(L). {
    A.name = N; A.alias = L; A.loc = wr_parse_span(p, N.loc);
}

joins(A) ::= .                { A = NULL; }
joins(A) ::= joins(L) join(J). { A = wr_ast_list_append(p, L, J); }

join(A) ::= jointype(T) JOIN(J) source(S) ON expr(E). {
    A = wr_ast_join(p, T, S, E, p->join_start ? p->join_loc : J);
    p->join_start = false;
}
join(A) ::= jointype(T) JOIN(J) source(S) WITHIN duration(D) grace_opt ON expr(E). {
    A = wr_ast_join(p, T, S, E, p->join_start ? p->join_loc : J);
    p->join_start = false;
    if (A) { A->within_set = true; A->before = D; A->after = D;
             A->grace = p->grace; }
}
join(A) ::= jointype(T) JOIN(J) source(S) WITHIN LP duration(B) COMMA
            duration(F) RP grace_opt ON expr(E). {
    A = wr_ast_join(p, T, S, E, p->join_start ? p->join_loc : J);
    p->join_start = false;
    if (A) { A->within_set = true; A->before = B; A->after = F;
             A->grace = p->grace; }
}
grace_opt ::= .                         { p->grace = (wr_duration){0}; }
grace_opt ::= GRACE PERIOD duration(D). { p->grace = D; }

jointype(A) ::= .                 { A = WR_JOIN_INNER; p->join_start = false; }
jointype(A) ::= INNER(X).         { A = WR_JOIN_INNER; p->join_start = true; p->join_loc = X; }
jointype(A) ::= LEFT(X).          { A = WR_JOIN_LEFT;  p->join_start = true; p->join_loc = X; }
jointype(A) ::= LEFT(X) OUTER.    { A = WR_JOIN_LEFT;  p->join_start = true; p->join_loc = X; }
jointype(A) ::= RIGHT(X).         { A = WR_JOIN_RIGHT; p->join_start = true; p->join_loc = X; }
jointype(A) ::= RIGHT(X) OUTER.   { A = WR_JOIN_RIGHT; p->join_start = true; p->join_loc = X; }
jointype(A) ::= FULL(X).          { A = WR_JOIN_FULL;  p->join_start = true; p->join_loc = X; }
jointype(A) ::= FULL(X) OUTER.    { A = WR_JOIN_FULL;  p->join_start = true; p->join_loc = X; }

duration(A) ::= number(N) ident(U). { A = wr_ast_duration(p, N, U.loc); }

window_opt(A) ::= .           { A = NULL; }
window_opt(A) ::= window(W).  { A = W; }
window(A) ::= WINDOW(X) wintype(T) LP winitems(W) RP. {
    A = W; p->win = NULL;
    if (A) { A->kind = (wr_window_kind)T; A->loc = wr_parse_span(p, X); }
}
/* A named window, as ksqlDB allows: WINDOW w TUMBLING (...). */
window(A) ::= WINDOW(X) ident wintype(T) LP winitems(W) RP. {
    A = W; p->win = NULL;
    if (A) { A->kind = (wr_window_kind)T; A->loc = wr_parse_span(p, X); }
}
wintype(A) ::= TUMBLING. { A = WR_W_TUMBLING; }
wintype(A) ::= HOPPING.  { A = WR_W_HOPPING; }
wintype(A) ::= SESSION.  { A = WR_W_SESSION; }

winitems(A) ::= winitem.                   { A = p->win; }
winitems(A) ::= winitems(W) COMMA winitem. { A = W; }
winitem ::= duration(D).                  { wr_ast_window_item(p, 0, D); }
winitem ::= SIZE duration(D).             { wr_ast_window_item(p, 1, D); }
winitem ::= ADVANCE BY duration(D).       { wr_ast_window_item(p, 2, D); }
winitem ::= RETENTION duration(D).        { wr_ast_window_item(p, 3, D); }
winitem ::= GRACE PERIOD duration(D).     { wr_ast_window_item(p, 4, D); }

where_opt(A) ::= .               { A = NULL; }
where_opt(A) ::= WHERE expr(E).  { A = E; }

groupby_opt(A) ::= .                      { A = NULL; }
groupby_opt(A) ::= GROUP(G) BY exprlist(L). {
    A = L; p->group_loc = wr_parse_span(p, G);
}
partition_opt(A) ::= .                          { A = NULL; }
partition_opt(A) ::= PARTITION(X) BY exprlist(L). {
    A = L; p->partition_loc = wr_parse_span(p, X);
}
having_opt(A) ::= .               { A = NULL; }
having_opt(A) ::= HAVING expr(E). { A = E; }

emit_opt(A) ::= .                       { A = WR_EMIT_NONE; }
emit_opt(A) ::= EMIT(X) CHANGES.        { A = WR_EMIT_CHANGES; p->emit_loc = wr_parse_span(p, X); }
emit_opt(A) ::= EMIT(X) FINAL.          { A = WR_EMIT_FINAL; p->emit_loc = wr_parse_span(p, X); }
/* weir: every key seen so far at every window end (Spark's inverse
 * reduction without a filter), an empty window giving COUNT 0, SUM 0. */
/* weir: the whole table after every batch (Spark's updateStateByKey). */
emit_opt(A) ::= EMIT(X) SNAPSHOT PER BATCH. { A = WR_EMIT_CHANGES; p->emit_loc = wr_parse_span(p, X); p->emit_snapshot = true; }
emit_opt(A) ::= EMIT(X) FINAL ALL KEYS.  { A = WR_EMIT_FINAL; p->emit_loc = wr_parse_span(p, X); p->emit_all = true; }

limit_opt ::= .                  { p->limit = NULL; }
limit_opt ::= LIMIT number(N).   { p->limit = wr_ast_tok(p, N); p->limit_loc = N; }

/* ------------------------------------------------------------ expressions */
expr(A) ::= literal(X).  { A = X; }
expr(A) ::= ident(N).    { A = wr_ast_column(p, NULL, N); }
expr(A) ::= ident(Q) DOT ident(N). { A = wr_ast_column(p, &Q, N); }
expr(A) ::= LP(L) expr(E) RP(R).   { A = wr_ast_parens(p, E, L, R); }

expr(A) ::= expr(X) AND expr(Y).    { A = wr_ast_binary(p, WR_OP_AND, X, Y); }
expr(A) ::= expr(X) OR expr(Y).     { A = wr_ast_binary(p, WR_OP_OR, X, Y); }
expr(A) ::= expr(X) EQ expr(Y).     { A = wr_ast_binary(p, WR_OP_EQ, X, Y); }
expr(A) ::= expr(X) NE expr(Y).     { A = wr_ast_binary(p, WR_OP_NE, X, Y); }
expr(A) ::= expr(X) LT expr(Y).     { A = wr_ast_binary(p, WR_OP_LT, X, Y); }
expr(A) ::= expr(X) LE expr(Y).     { A = wr_ast_binary(p, WR_OP_LE, X, Y); }
expr(A) ::= expr(X) GT expr(Y).     { A = wr_ast_binary(p, WR_OP_GT, X, Y); }
expr(A) ::= expr(X) GE expr(Y).     { A = wr_ast_binary(p, WR_OP_GE, X, Y); }
expr(A) ::= expr(X) PLUS expr(Y).   { A = wr_ast_binary(p, WR_OP_ADD, X, Y); }
expr(A) ::= expr(X) MINUS expr(Y).  { A = wr_ast_binary(p, WR_OP_SUB, X, Y); }
expr(A) ::= expr(X) STAR expr(Y).   { A = wr_ast_binary(p, WR_OP_MUL, X, Y); }
expr(A) ::= expr(X) SLASH expr(Y).  { A = wr_ast_binary(p, WR_OP_DIV, X, Y); }
expr(A) ::= expr(X) REM expr(Y).    { A = wr_ast_binary(p, WR_OP_MOD, X, Y); }
expr(A) ::= expr(X) CONCAT expr(Y). { A = wr_ast_binary(p, WR_OP_CONCAT, X, Y); }
expr(A) ::= MINUS(O) expr(X). [UMINUS] { A = wr_ast_unary(p, WR_OP_NEG, X, O); }
expr(A) ::= PLUS(O) expr(X). [UMINUS]  { A = wr_ast_unary(p, WR_OP_PLUS, X, O); }
expr(A) ::= NOT(O) expr(X).            { A = wr_ast_unary(p, WR_OP_NOT, X, O); }

expr(A) ::= expr(X) IS NULL. {
    A = wr_ast_pred(p, WR_E_IS_NULL, X, NULL, NULL, false);
}
expr(A) ::= expr(X) IS NOT NULL. {
    A = wr_ast_pred(p, WR_E_IS_NULL, X, NULL, NULL, true);
}
expr(A) ::= expr(X) IS DISTINCT FROM expr(Y). [IS] {
    A = wr_ast_pred(p, WR_E_DISTINCT, X, Y, NULL, false);
}
expr(A) ::= expr(X) IS NOT DISTINCT FROM expr(Y). [IS] {
    A = wr_ast_pred(p, WR_E_DISTINCT, X, Y, NULL, true);
}
expr(A) ::= expr(X) BETWEEN expr(Y) AND expr(Z). [BETWEEN] {
    A = wr_ast_pred(p, WR_E_BETWEEN, X, Y, Z, false);
}
expr(A) ::= expr(X) NOT BETWEEN expr(Y) AND expr(Z). [BETWEEN] {
    A = wr_ast_pred(p, WR_E_BETWEEN, X, Y, Z, true);
}
expr(A) ::= expr(X) IN LP inlist(L) RP. [IN] {
    A = wr_ast_pred(p, WR_E_IN, X, NULL, NULL, false); if (A) A->list = L;
}
expr(A) ::= expr(X) NOT IN LP inlist(L) RP. [IN] {
    A = wr_ast_pred(p, WR_E_IN, X, NULL, NULL, true); if (A) A->list = L;
}
inlist(A) ::= exprlist(L). { A = L; }
expr(A) ::= expr(X) LIKE expr(Y). [LIKE] {
    A = wr_ast_pred(p, WR_E_LIKE, X, Y, NULL, false);
}
expr(A) ::= expr(X) LIKE expr(Y) ESCAPE expr(E). [LIKE] {
    A = wr_ast_pred(p, WR_E_LIKE, X, Y, E, false);
}
expr(A) ::= expr(X) NOT LIKE expr(Y). [LIKE] {
    A = wr_ast_pred(p, WR_E_LIKE, X, Y, NULL, true);
}
expr(A) ::= expr(X) NOT LIKE expr(Y) ESCAPE expr(E). [LIKE] {
    A = wr_ast_pred(p, WR_E_LIKE, X, Y, E, true);
}

expr(A) ::= CASE(C) when_list(W) else_opt(E) END. {
    A = wr_ast_case(p, C, NULL, W, E);
}
expr(A) ::= CASE(C) expr(X) when_list(W) else_opt(E) END. {
    A = wr_ast_case(p, C, X, W, E);
}
when_list(A) ::= WHEN(W) expr(X) THEN expr(Y). {
    A = wr_ast_list_append(p, NULL, wr_ast_when(p, W, X, Y));
}
when_list(A) ::= when_list(L) WHEN(W) expr(X) THEN expr(Y). {
    A = wr_ast_list_append(p, L, wr_ast_when(p, W, X, Y));
}
else_opt(A) ::= .               { A = NULL; }
else_opt(A) ::= ELSE expr(E).   { A = E; }

expr(A) ::= CAST(C) LP expr(X) AS typename(T) RP. {
    A = wr_ast_cast(p, C, X, T);
}

expr(A) ::= ident(N) LP exprlist_opt(L) RP. {
    A = wr_ast_call(p, N, L, false);
}
expr(A) ::= ident(N) LP DISTINCT exprlist(L) RP. {
    A = wr_ast_call(p, N, L, true);
}
expr(A) ::= ident(N) LP STAR(S) RP. {
    A = wr_ast_call(p, N, wr_ast_list_append(p, NULL, wr_ast_star(p, NULL, S)),
                    false);
}
exprlist_opt(A) ::= .             { A = NULL; }
exprlist_opt(A) ::= exprlist(L).  { A = L; }

expr(A) ::= expr(X) ARROW ident(N). { A = wr_ast_deref(p, X, N); }
expr(A) ::= expr(X) LBRACKET expr(I) RBRACKET. {
    A = wr_ast_subscript(p, X, I);
}
expr(A) ::= ARRAY(X) LBRACKET exprlist_opt(L) RBRACKET. {
    A = wr_ast_ctor(p, WR_E_ARRAY, X, L);
}
expr(A) ::= MAP(X) LP entries(L) RP. { A = wr_ast_ctor(p, WR_E_MAP, X, L); }
expr(A) ::= MAP(X) LP RP.            { A = wr_ast_ctor(p, WR_E_MAP, X, NULL); }
expr(A) ::= STRUCT(X) LP entries(L) RP. { A = wr_ast_ctor(p, WR_E_STRUCT, X, L); }
expr(A) ::= STRUCT(X) LP RP.         { A = wr_ast_ctor(p, WR_E_STRUCT, X, NULL); }
entries(A) ::= entry(E).                  { A = wr_ast_list_append(p, NULL, E); }
entries(A) ::= entries(L) COMMA entry(E). { A = wr_ast_list_append(p, L, E); }
entry(A) ::= expr(K) ASSIGN expr(V).      { A = wr_ast_entry(p, K, V); }

exprlist(A) ::= expr(X).                  { A = wr_ast_list_append(p, NULL, X); }
exprlist(A) ::= exprlist(L) COMMA expr(X). { A = wr_ast_list_append(p, L, X); }

literal(A) ::= NULL(X).    { A = wr_ast_literal(p, WR_E_NULL, X); }
literal(A) ::= TRUE(X).    { A = wr_ast_literal(p, WR_E_BOOL, X); if (A) A->bval = true; }
literal(A) ::= FALSE(X).   { A = wr_ast_literal(p, WR_E_BOOL, X); }
literal(A) ::= INTEGER(X). { A = wr_ast_literal(p, WR_E_INTEGER, X); }
literal(A) ::= DECIMAL(X). { A = wr_ast_literal(p, WR_E_DECIMAL, X); }
literal(A) ::= FLOAT(X).   { A = wr_ast_literal(p, WR_E_DOUBLE, X); }
literal(A) ::= STRING(X).  { A = wr_ast_string(p, X); }
