/*
 * func.c: the function registry: every built-in scalar and aggregate
 * function, its signatures, and ksqlDB's rules for picking one.
 *
 * Design. Each function is a static fn_def whose first member is the public
 * wr_func, so a wr_func pointer handed out by wr_func_lookup() converts back
 * to its fn_def inside resolve_sigs(). A fn_def lists the overloads
 * ("signatures") ksqlDB declares for the function (ksqlDB 0.29 UDF and UDAF
 * classes): parameter kinds, whether the last parameter is variadic, and how
 * the result type follows from the arguments (a fixed kind, the generic T,
 * ARRAY<T>, or a DECIMAL rule from ksqlDB's schema providers).
 *
 * Resolution follows ksqlDB's UdfIndex:
 *  - a bare NULL argument (kind WR_T_NULL) fits any parameter;
 *  - a first pass admits exact kind matches only (any DECIMAL fits a DECIMAL
 *    parameter); if nothing fits and the function allows implicit casts
 *    (scalars do, aggregates do not), a second pass also admits numeric
 *    widening INT -> BIGINT -> DECIMAL -> DOUBLE;
 *  - the generic T binds to the first non-NULL argument it meets, and later
 *    arguments for T must have an equal type (no widening);
 *  - among the fitting signatures a non-variadic one beats a variadic one,
 *    then more declared parameters win, then fewer generic parameters; a tie
 *    at the top is "cannot be resolved due to ambiguous method parameters".
 * So GREATEST(INT, BIGINT) is ambiguous (BIGINT, DECIMAL and DOUBLE
 * overloads all fit after widening), as in ksqlDB.
 *
 * The table is sorted by name and is read-only, so lookups (binary search,
 * case-insensitive) are safe from any thread. Result types are primitive
 * singletons or are built in the arena the caller passes; nothing here
 * allocates outside it. Evaluation is not here: the executor owns it.
 */
#include "common/func.h"

#include <stdio.h>
#include <string.h>

/*
 * Signature codes. A parameter code is a primitive wr_type_kind (WR_T_NULL,
 * which is 0, ends the list) or one of the P_* codes; a result code is a
 * primitive kind or one of the R_* codes.
 */
enum {
    P_T = 64,  /* generic T: any type, equal for every T in the call */
    P_ARRAY_T, /* ARRAY<T> */
};

enum {
    R_T = 64,            /* the type bound to T */
    R_ARRAY_T,           /* ARRAY<T> */
    R_ARG0,              /* argument 0 as the first parameter sees it */
    R_ARRAY_ARG0,        /* ARRAY of that */
    R_DEC_ROUND,         /* DECIMAL(p - s, 0) of a DECIMAL(p, s) argument 0 */
    R_DEC_WIDEN,         /* DECIMAL holding every (DECIMAL) argument */
    R_ARRAY_STRING,      /* ARRAY<STRING> */
    R_ARRAY_BYTES,       /* ARRAY<BYTES> */
    R_MAP_STRING_BIGINT, /* MAP<STRING, BIGINT> */
};

#define FN_MAX_PARAMS 6

typedef struct fn_sig {
    unsigned char ret;                  /* result code */
    bool variadic;                      /* last parameter repeats 0+ times */
    unsigned char p[FN_MAX_PARAMS + 1]; /* parameter codes, 0-terminated */
} fn_sig;

typedef struct fn_def {
    wr_func f;          /* the public entry; must stay the first member */
    const fn_sig *sigs; /* overloads */
    int nsigs;          /* number of overloads */
    bool casts;         /* implicit numeric widening allowed (scalar UDFs) */
} fn_def;

/* Short names for the signature tables below. */
#define I_ WR_T_INT
#define L_ WR_T_BIGINT
#define D_ WR_T_DOUBLE
#define N_ WR_T_DECIMAL
#define S_ WR_T_STRING
#define B_ WR_T_BOOLEAN
#define Y_ WR_T_BYTES
#define TS_ WR_T_TIMESTAMP
#define DT_ WR_T_DATE
#define TM_ WR_T_TIME
#define T_ P_T
#define AT_ P_ARRAY_T

/* clang-format off */
#define SIG0(ret) {(ret), false, {0}}
#define SIG(ret, ...) {(ret), false, {__VA_ARGS__}}
#define VSIG(ret, ...) {(ret), true, {__VA_ARGS__}}
/* clang-format on */

/* ---- math ---------------------------------------------------------- */

/* ABS, CEIL, FLOOR: same type out as in. */
static const fn_sig sg_num_same[] = {
    SIG(I_, I_),
    SIG(L_, L_),
    SIG(D_, D_),
    SIG(R_ARG0, N_),
};
/* ROUND, TRUNC (ksqlDB Round/Trunc and their schema providers). */
static const fn_sig sg_round[] = {
    SIG(L_, L_),     SIG(L_, I_),          SIG(L_, D_),
    SIG(D_, D_, I_), SIG(R_DEC_ROUND, N_), SIG(R_ARG0, N_, I_),
};
/* One numeric argument, DOUBLE result: SQRT, EXP, LN, trigonometry... */
static const fn_sig sg_math1[] = {
    SIG(D_, I_),
    SIG(D_, L_),
    SIG(D_, D_),
};
/* Two numeric arguments, DOUBLE result: POWER, ATAN2. */
static const fn_sig sg_math2[] = {
    SIG(D_, I_, I_),
    SIG(D_, L_, L_),
    SIG(D_, D_, D_),
};
static const fn_sig sg_log[] = {
    SIG(D_, I_),     SIG(D_, L_),     SIG(D_, D_),
    SIG(D_, I_, I_), SIG(D_, L_, L_), SIG(D_, D_, D_),
};
static const fn_sig sg_sign[] = {
    SIG(I_, I_),
    SIG(I_, L_),
    SIG(I_, D_),
};
static const fn_sig sg_double0[] = {
    SIG0(D_),
};
/* GREATEST, LEAST. */
static const fn_sig sg_extreme[] = {
    VSIG(I_, I_, I_), VSIG(L_, L_, L_),          VSIG(D_, D_, D_),
    VSIG(S_, S_, S_), VSIG(R_DEC_WIDEN, N_, N_),
};

/* ---- strings ------------------------------------------------------- */

static const fn_sig sg_str1[] = {
    SIG(S_, S_),
};
static const fn_sig sg_len[] = {
    SIG(I_, S_),
    SIG(I_, Y_),
};
static const fn_sig sg_concat[] = {
    VSIG(S_, S_),
    VSIG(Y_, Y_),
};
static const fn_sig sg_concat_ws[] = {
    VSIG(S_, S_, S_),
    VSIG(Y_, Y_, Y_),
};
static const fn_sig sg_substring[] = {
    SIG(S_, S_, I_),
    SIG(S_, S_, I_, I_),
    SIG(Y_, Y_, I_),
    SIG(Y_, Y_, I_, I_),
};
static const fn_sig sg_str3[] = {
    SIG(S_, S_, S_, S_),
};
static const fn_sig sg_instr[] = {
    SIG(I_, S_, S_),
    SIG(I_, S_, S_, I_),
    SIG(I_, S_, S_, I_, I_),
};
static const fn_sig sg_pad[] = {
    SIG(S_, S_, I_, S_),
    SIG(Y_, Y_, I_, Y_),
};
static const fn_sig sg_chr[] = {
    SIG(S_, I_),
    SIG(S_, S_),
};
static const fn_sig sg_split[] = {
    SIG(R_ARRAY_STRING, S_, S_),
    SIG(R_ARRAY_BYTES, Y_, Y_),
};
static const fn_sig sg_mask[] = {
    SIG(S_, S_),
    SIG(S_, S_, S_),
    SIG(S_, S_, S_, S_),
    SIG(S_, S_, S_, S_, S_),
    SIG(S_, S_, S_, S_, S_, S_),
};
/* MASK_LEFT, MASK_RIGHT, MASK_KEEP_LEFT, MASK_KEEP_RIGHT. */
static const fn_sig sg_mask_n[] = {
    SIG(S_, S_, I_),
    SIG(S_, S_, I_, S_),
    SIG(S_, S_, I_, S_, S_),
    SIG(S_, S_, I_, S_, S_, S_),
    SIG(S_, S_, I_, S_, S_, S_, S_),
};
static const fn_sig sg_str2[] = {
    SIG(S_, S_, S_),
};
static const fn_sig sg_string0[] = {
    SIG0(S_),
};

/* ---- nulls, keys, collections -------------------------------------- */

static const fn_sig sg_generic2[] = {
    SIG(R_T, T_, T_),
};
static const fn_sig sg_coalesce[] = {
    VSIG(R_T, T_, T_),
};
static const fn_sig sg_generic1[] = {
    SIG(R_T, T_),
};
static const fn_sig sg_array_length[] = {
    SIG(I_, AT_),
};

/* ---- dates and times ----------------------------------------------- */

static const fn_sig sg_unix_timestamp[] = {
    SIG0(L_),
    SIG(L_, TS_),
};
static const fn_sig sg_unix_date[] = {
    SIG0(I_),
    SIG(I_, DT_),
};
static const fn_sig sg_ts_to_string[] = {
    SIG(S_, L_, S_),
    SIG(S_, L_, S_, S_),
};
static const fn_sig sg_string_to_ts[] = {
    SIG(L_, S_, S_),
    SIG(L_, S_, S_, S_),
};
static const fn_sig sg_format_ts[] = {
    SIG(S_, TS_, S_),
    SIG(S_, TS_, S_, S_),
};
static const fn_sig sg_parse_ts[] = {
    SIG(TS_, S_, S_),
    SIG(TS_, S_, S_, S_),
};
static const fn_sig sg_from_unixtime[] = {
    SIG(TS_, L_),
};
static const fn_sig sg_date_to_string[] = {
    SIG(S_, I_, S_),
};
static const fn_sig sg_string_to_date[] = {
    SIG(I_, S_, S_),
};

/* ---- aggregates (no implicit casts, as ksqlDB's UDAF index) --------- */

static const fn_sig sg_count[] = {
    SIG0(L_),
    SIG(L_, T_),
};
static const fn_sig sg_count_distinct[] = {
    SIG(L_, T_),
};
static const fn_sig sg_sum[] = {
    SIG(I_, I_),
    SIG(L_, L_),
    SIG(D_, D_),
    SIG(R_ARG0, N_),
};
static const fn_sig sg_minmax[] = {
    SIG(I_, I_),   SIG(L_, L_),   SIG(D_, D_), SIG(R_ARG0, N_), SIG(DT_, DT_),
    SIG(TM_, TM_), SIG(TS_, TS_), SIG(S_, S_), SIG(Y_, Y_),
};
static const fn_sig sg_to_double[] = {
    SIG(D_, I_),
    SIG(D_, L_),
    SIG(D_, D_),
};
static const fn_sig sg_by_offset[] = {
    SIG(R_T, T_),
    SIG(R_T, T_, B_),
    SIG(R_ARRAY_T, T_, I_),
    SIG(R_ARRAY_T, T_, I_, B_),
};
static const fn_sig sg_collect[] = {
    SIG(R_ARRAY_T, T_),
};
static const fn_sig sg_topk[] = {
    SIG(R_ARRAY_ARG0, I_, I_),  SIG(R_ARRAY_ARG0, L_, I_),
    SIG(R_ARRAY_ARG0, D_, I_),  SIG(R_ARRAY_ARG0, N_, I_),
    SIG(R_ARRAY_ARG0, S_, I_),  SIG(R_ARRAY_ARG0, DT_, I_),
    SIG(R_ARRAY_ARG0, TM_, I_), SIG(R_ARRAY_ARG0, TS_, I_),
};
static const fn_sig sg_histogram[] = {
    SIG(R_MAP_STRING_BIGINT, S_),
};

static const wr_type *resolve_sigs(const wr_func *f, const wr_type *const *args,
                                   int nargs, wr_arena *ar, char *err,
                                   size_t errlen);

#define NSIGS(sg) ((int)(sizeof(sg) / sizeof((sg)[0])))
#define FN(name, kind, mn, mx, flags, lit, sg, casts, syn, desc)               \
    {                                                                          \
        {name, kind, mn, mx, flags, lit, resolve_sigs, syn, desc}, sg,         \
            NSIGS(sg), casts                                                   \
    }
#define SCALAR(name, mn, mx, flags, sg, syn, desc)                             \
    FN(name, WR_FN_SCALAR, mn, mx, flags, 0u, sg, true, syn, desc)
#define AGG(name, mn, mx, flags, lit, sg, syn, desc)                           \
    FN(name, WR_FN_AGGREGATE, mn, mx, flags, lit, sg, false, syn, desc)

/* Bits of wr_func.literal_args. */
#define LIT(i) (1u << (i))

/*
 * The registry, sorted by name (strcmp order on the upper-case names; the
 * unit tests check the order, which the binary search relies on).
 */
static const fn_def defs[] = {
    SCALAR("ABS", 1, 1, 0, sg_num_same, "ABS(x)",
           "Returns the absolute value of x."),
    SCALAR("ACOS", 1, 1, 0, sg_math1, "ACOS(x)",
           "Returns the inverse cosine of x, in radians."),
    SCALAR("ARRAY_LENGTH", 1, 1, 0, sg_array_length, "ARRAY_LENGTH(array)",
           "Returns the number of elements in array."),
    SCALAR("ASIN", 1, 1, 0, sg_math1, "ASIN(x)",
           "Returns the inverse sine of x, in radians."),
    SCALAR("AS_VALUE", 1, 1, 0, sg_generic1, "AS_VALUE(col)",
           "Copies a key column into the value of the result."),
    SCALAR("ATAN", 1, 1, 0, sg_math1, "ATAN(x)",
           "Returns the inverse tangent of x, in radians."),
    SCALAR("ATAN2", 2, 2, 0, sg_math2, "ATAN2(y, x)",
           "Returns the angle in radians of the point (x, y)."),
    AGG("AVG", 1, 1, WR_FN_STRUCT_STATE, 0u, sg_to_double, "AVG(col)",
        "Returns the average of the non-NULL values of col."),
    SCALAR("CBRT", 1, 1, 0, sg_math1, "CBRT(x)", "Returns the cube root of x."),
    SCALAR("CEIL", 1, 1, 0, sg_num_same, "CEIL(x)",
           "Returns the smallest integral value not less than x."),
    SCALAR("CHR", 1, 1, 0, sg_chr, "CHR(code)",
           "Returns the character with the given decimal code point or "
           "'\\uXXXX' escape."),
    SCALAR("COALESCE", 1, -1, 0, sg_coalesce, "COALESCE(a [, b ...])",
           "Returns the first argument that is not NULL."),
    AGG("COLLECT_LIST", 1, 1, 0, 0u, sg_collect, "COLLECT_LIST(col)",
        "Returns an array of all the values of col in the group."),
    AGG("COLLECT_SET", 1, 1, 0, 0u, sg_collect, "COLLECT_SET(col)",
        "Returns an array of the distinct values of col in the group."),
    SCALAR("CONCAT", 2, -1, 0, sg_concat, "CONCAT(a, b [, ...])",
           "Concatenates its arguments, skipping NULLs."),
    SCALAR("CONCAT_WS", 2, -1, 0, sg_concat_ws,
           "CONCAT_WS(separator, a [, ...])",
           "Concatenates its arguments with separator between them, "
           "skipping NULLs."),
    SCALAR("COS", 1, 1, 0, sg_math1, "COS(x)",
           "Returns the cosine of x, in radians."),
    SCALAR("COSH", 1, 1, 0, sg_math1, "COSH(x)",
           "Returns the hyperbolic cosine of x."),
    SCALAR("COT", 1, 1, 0, sg_math1, "COT(x)",
           "Returns the cotangent of x, in radians."),
    AGG("COUNT", 0, 1, WR_FN_STAR_OK | WR_FN_DISTINCT_OK, 0u, sg_count,
        "COUNT(*) | COUNT([DISTINCT] col)",
        "Counts the rows of the group, or the non-NULL values of col."),
    AGG("COUNT_DISTINCT", 1, 1, 0, 0u, sg_count_distinct, "COUNT_DISTINCT(col)",
        "Returns the number of distinct non-NULL values of col."),
    SCALAR("DATETOSTRING", 2, 2, 0, sg_date_to_string,
           "DATETOSTRING(days, format)",
           "Formats a number of days since the epoch with a Java date "
           "pattern."),
    SCALAR("DEGREES", 1, 1, 0, sg_math1, "DEGREES(x)",
           "Converts x from radians to degrees."),
    AGG("EARLIEST_BY_OFFSET", 1, 3, WR_FN_STRUCT_STATE, LIT(1) | LIT(2),
        sg_by_offset, "EARLIEST_BY_OFFSET(col [, n] [, ignoreNulls])",
        "Returns the oldest value of col by offset, or an array of the "
        "oldest n."),
    SCALAR("EXP", 1, 1, 0, sg_math1, "EXP(x)",
           "Returns e raised to the power x."),
    SCALAR("EXTRACTJSONFIELD", 2, 2, 0, sg_str2, "EXTRACTJSONFIELD(json, path)",
           "Extracts the value at a JSONPath from a JSON string, as a "
           "string."),
    SCALAR("FLOOR", 1, 1, 0, sg_num_same, "FLOOR(x)",
           "Returns the largest integral value not greater than x."),
    SCALAR("FORMAT_TIMESTAMP", 2, 3, 0, sg_format_ts,
           "FORMAT_TIMESTAMP(ts, format [, zone])",
           "Formats a TIMESTAMP with a Java date-time pattern."),
    SCALAR("FROM_UNIXTIME", 1, 1, 0, sg_from_unixtime, "FROM_UNIXTIME(millis)",
           "Converts milliseconds since the epoch to a TIMESTAMP."),
    SCALAR("GREATEST", 1, -1, 0, sg_extreme, "GREATEST(a [, b ...])",
           "Returns the largest non-NULL argument."),
    AGG("HISTOGRAM", 1, 1, 0, 0u, sg_histogram, "HISTOGRAM(col)",
        "Returns a map from each distinct value of col to its count."),
    SCALAR("IFNULL", 2, 2, 0, sg_generic2, "IFNULL(x, alt)",
           "Returns x, or alt when x is NULL."),
    SCALAR("INITCAP", 1, 1, 0, sg_str1, "INITCAP(s)",
           "Capitalizes the first letter of each word of s."),
    SCALAR("INSTR", 2, 4, 0, sg_instr,
           "INSTR(s, sub [, position [, occurrence]])",
           "Returns the 1-based position of sub in s, or 0 when absent."),
    AGG("LATEST_BY_OFFSET", 1, 3, WR_FN_STRUCT_STATE, LIT(1) | LIT(2),
        sg_by_offset, "LATEST_BY_OFFSET(col [, n] [, ignoreNulls])",
        "Returns the newest value of col by offset, or an array of the "
        "newest n."),
    SCALAR("LCASE", 1, 1, 0, sg_str1, "LCASE(s)", "Converts s to lower case."),
    SCALAR("LEAST", 1, -1, 0, sg_extreme, "LEAST(a [, b ...])",
           "Returns the smallest non-NULL argument."),
    SCALAR("LEN", 1, 1, 0, sg_len, "LEN(s)",
           "Returns the length of a string in characters or of bytes in "
           "bytes."),
    SCALAR("LN", 1, 1, 0, sg_math1, "LN(x)",
           "Returns the natural logarithm of x."),
    SCALAR("LOG", 1, 2, 0, sg_log, "LOG([base,] x)",
           "Returns the logarithm of x, natural or in the given base."),
    SCALAR("LPAD", 3, 3, 0, sg_pad, "LPAD(s, length, padding)",
           "Pads s on the left with padding to length, truncating longer "
           "input."),
    SCALAR("LTRIM", 1, 1, 0, sg_str1, "LTRIM(s)",
           "Removes leading whitespace from s."),
    SCALAR("MASK", 1, 5, 0, sg_mask,
           "MASK(s [, upper [, lower [, digit [, other]]]])",
           "Replaces each character of s with the mask of its kind: upper, "
           "lower, digit or other."),
    SCALAR("MASK_KEEP_LEFT", 2, 6, 0, sg_mask_n,
           "MASK_KEEP_LEFT(s, n [, upper [, lower [, digit [, other]]]])",
           "Masks all but the first n characters of s."),
    SCALAR("MASK_KEEP_RIGHT", 2, 6, 0, sg_mask_n,
           "MASK_KEEP_RIGHT(s, n [, upper [, lower [, digit [, other]]]])",
           "Masks all but the last n characters of s."),
    SCALAR("MASK_LEFT", 2, 6, 0, sg_mask_n,
           "MASK_LEFT(s, n [, upper [, lower [, digit [, other]]]])",
           "Masks the first n characters of s."),
    SCALAR("MASK_RIGHT", 2, 6, 0, sg_mask_n,
           "MASK_RIGHT(s, n [, upper [, lower [, digit [, other]]]])",
           "Masks the last n characters of s."),
    AGG("MAX", 1, 1, 0, 0u, sg_minmax, "MAX(col)",
        "Returns the largest non-NULL value of col in the group."),
    AGG("MIN", 1, 1, 0, 0u, sg_minmax, "MIN(col)",
        "Returns the smallest non-NULL value of col in the group."),
    SCALAR("NULLIF", 2, 2, 0, sg_generic2, "NULLIF(a, b)",
           "Returns NULL when a equals b, else a."),
    SCALAR("PARSE_TIMESTAMP", 2, 3, 0, sg_parse_ts,
           "PARSE_TIMESTAMP(s, format [, zone])",
           "Parses s with a Java date-time pattern into a TIMESTAMP."),
    SCALAR("PI", 0, 0, 0, sg_double0, "PI()", "Returns the value of pi."),
    SCALAR("POWER", 2, 2, 0, sg_math2, "POWER(base, exponent)",
           "Returns base raised to the power exponent."),
    SCALAR("RADIANS", 1, 1, 0, sg_math1, "RADIANS(x)",
           "Converts x from degrees to radians."),
    SCALAR("RANDOM", 0, 0, WR_FN_NONDETERMINISTIC, sg_double0, "RANDOM()",
           "Returns a random DOUBLE between 0.0 and 1.0."),
    SCALAR("REPLACE", 3, 3, 0, sg_str3, "REPLACE(s, old, new)",
           "Replaces every occurrence of old in s with new."),
    SCALAR("ROUND", 1, 2, 0, sg_round, "ROUND(x [, digits])",
           "Rounds x half up to digits decimal places (default 0)."),
    SCALAR("RPAD", 3, 3, 0, sg_pad, "RPAD(s, length, padding)",
           "Pads s on the right with padding to length, truncating longer "
           "input."),
    SCALAR("RTRIM", 1, 1, 0, sg_str1, "RTRIM(s)",
           "Removes trailing whitespace from s."),
    SCALAR("SIGN", 1, 1, 0, sg_sign, "SIGN(x)",
           "Returns -1, 0 or 1 as x is negative, zero or positive."),
    SCALAR("SIN", 1, 1, 0, sg_math1, "SIN(x)",
           "Returns the sine of x, in radians."),
    SCALAR("SINH", 1, 1, 0, sg_math1, "SINH(x)",
           "Returns the hyperbolic sine of x."),
    SCALAR("SPLIT", 2, 2, 0, sg_split, "SPLIT(s, delimiter)",
           "Splits s at each delimiter into an array."),
    SCALAR("SQRT", 1, 1, 0, sg_math1, "SQRT(x)",
           "Returns the square root of x."),
    AGG("STDDEV_SAMP", 1, 1, WR_FN_STRUCT_STATE, 0u, sg_to_double,
        "STDDEV_SAMP(col)",
        "Returns the sample standard deviation of col in the group."),
    SCALAR("STRINGTODATE", 2, 2, 0, sg_string_to_date,
           "STRINGTODATE(s, format)",
           "Parses s with a Java date pattern into days since the epoch."),
    SCALAR("STRINGTOTIMESTAMP", 2, 3, 0, sg_string_to_ts,
           "STRINGTOTIMESTAMP(s, format [, zone])",
           "Parses s with a Java date-time pattern into milliseconds since "
           "the epoch."),
    SCALAR("SUBSTRING", 2, 3, 0, sg_substring,
           "SUBSTRING(s, position [, length])",
           "Returns the part of s from 1-based position, of length "
           "characters."),
    AGG("SUM", 1, 1, 0, 0u, sg_sum, "SUM(col)",
        "Returns the sum of the non-NULL values of col in the group."),
    SCALAR("TAN", 1, 1, 0, sg_math1, "TAN(x)",
           "Returns the tangent of x, in radians."),
    SCALAR("TANH", 1, 1, 0, sg_math1, "TANH(x)",
           "Returns the hyperbolic tangent of x."),
    SCALAR("TIMESTAMPTOSTRING", 2, 3, 0, sg_ts_to_string,
           "TIMESTAMPTOSTRING(millis, format [, zone])",
           "Formats milliseconds since the epoch with a Java date-time "
           "pattern."),
    AGG("TOPK", 2, 2, 0, LIT(1), sg_topk, "TOPK(col, k)",
        "Returns an array of the k largest values of col, largest first."),
    AGG("TOPKDISTINCT", 2, 2, 0, LIT(1), sg_topk, "TOPKDISTINCT(col, k)",
        "Returns an array of the k largest distinct values of col."),
    SCALAR("TRIM", 1, 1, 0, sg_str1, "TRIM(s)",
           "Removes leading and trailing whitespace from s."),
    SCALAR("TRUNC", 1, 2, 0, sg_round, "TRUNC(x [, digits])",
           "Truncates x toward zero to digits decimal places (default 0)."),
    SCALAR("UCASE", 1, 1, 0, sg_str1, "UCASE(s)", "Converts s to upper case."),
    SCALAR("UNIX_DATE", 0, 1, WR_FN_NONDETERMINISTIC, sg_unix_date,
           "UNIX_DATE([date])",
           "Returns days since the epoch of date, or of today without an "
           "argument."),
    SCALAR("UNIX_TIMESTAMP", 0, 1, WR_FN_NONDETERMINISTIC, sg_unix_timestamp,
           "UNIX_TIMESTAMP([ts])",
           "Returns milliseconds since the epoch of ts, or of now without "
           "an argument."),
    SCALAR("UUID", 0, 0, WR_FN_NONDETERMINISTIC, sg_string0, "UUID()",
           "Returns a new random UUID as a string."),
};

#define NDEFS ((int)(sizeof defs / sizeof defs[0]))

/* ---- lookup -------------------------------------------------------- */

/*
 * Compares the len bytes of s, upper-cased (ASCII), with the upper-case,
 * NUL-terminated name, in strcmp order.
 */
static int name_cmp(const char *s, size_t len, const char *name)
{
    for (size_t i = 0; i < len; i++) {
        unsigned char c = (unsigned char)s[i];
        unsigned char n = (unsigned char)name[i];
        if (c >= 'a' && c <= 'z')
            c = (unsigned char)(c - 'a' + 'A');
        if (n == '\0')
            return 1;
        if (c != n)
            return c < n ? -1 : 1;
    }
    return name[len] == '\0' ? 0 : -1;
}

const wr_func *wr_func_lookup(const char *name, size_t len)
{
    if (!name || len == 0)
        return NULL;
    int lo = 0, hi = NDEFS - 1;
    while (lo <= hi) {
        int mid = lo + (hi - lo) / 2;
        int c = name_cmp(name, len, defs[mid].f.name);
        if (c == 0)
            return &defs[mid].f;
        if (c < 0)
            hi = mid - 1;
        else
            lo = mid + 1;
    }
    return NULL;
}

int wr_func_count(void)
{
    return NDEFS;
}

const wr_func *wr_func_at(int i)
{
    if (i < 0 || i >= NDEFS)
        return NULL;
    return &defs[i].f;
}

/* ---- error messages ------------------------------------------------ */

/* A bounded string builder over a caller's buffer; never overflows. */
typedef struct msgbuf {
    char *p;    /* buffer */
    size_t n;   /* capacity, including the NUL */
    size_t len; /* bytes written so far */
} msgbuf;

static void mb_put(msgbuf *mb, const char *s)
{
    size_t l = strlen(s);
    if (mb->len + 1 >= mb->n)
        return;
    if (l > mb->n - mb->len - 1)
        l = mb->n - mb->len - 1;
    memcpy(mb->p + mb->len, s, l);
    mb->len += l;
    mb->p[mb->len] = '\0';
}

/* Longest message we write, whatever room the caller gives (one line). */
#define MSG_MAX 300
/* Room kept for the text after the argument list. */
#define MSG_TAIL 8

/*
 * Writes "Function 'name' <what> (T1, T2, ...)." into err[errlen]: the
 * name lower-case as ksqlDB prints it, NULL arguments as "null", an
 * argument list too long for one line cut with "...".
 */
static void fail_args(const wr_func *f, const char *what,
                      const wr_type *const *args, int nargs, char *err,
                      size_t errlen)
{
    char line[MSG_MAX];
    char lname[64];
    char tbuf[160];
    msgbuf mb = {line, sizeof line, 0};
    size_t i;

    if (!err || errlen == 0)
        return;
    line[0] = '\0';
    for (i = 0; f->name[i] && i + 1 < sizeof lname; i++) {
        char c = f->name[i];
        lname[i] = (c >= 'A' && c <= 'Z') ? (char)(c - 'A' + 'a') : c;
    }
    lname[i] = '\0';
    mb_put(&mb, "Function '");
    mb_put(&mb, lname);
    mb_put(&mb, "' ");
    mb_put(&mb, what);
    mb_put(&mb, " (");
    for (int a = 0; a < nargs; a++) {
        const wr_type *t = args ? args[a] : NULL;
        if (!t || t->kind == WR_T_NULL)
            snprintf(tbuf, sizeof tbuf, "null");
        else
            wr_type_format(t, tbuf, sizeof tbuf);
        size_t need = strlen(tbuf) + (a ? 2 : 0);
        if (mb.len + need + MSG_TAIL >= sizeof line) {
            mb_put(&mb, a ? ", ..." : "...");
            break;
        }
        if (a)
            mb_put(&mb, ", ");
        mb_put(&mb, tbuf);
    }
    mb_put(&mb, ").");
    snprintf(err, errlen, "%s", line);
}

static void fail_msg(const char *msg, char *err, size_t errlen)
{
    if (err && errlen > 0)
        snprintf(err, errlen, "%s", msg);
}

/* ---- matching ------------------------------------------------------ */

static bool is_null_arg(const wr_type *t)
{
    return !t || t->kind == WR_T_NULL;
}

/* Binds the generic T to t, or checks t against the type already bound. */
static bool bind_t(const wr_type **tbind, const wr_type *t)
{
    if (!*tbind) {
        *tbind = t;
        return true;
    }
    return wr_type_equal(*tbind, t);
}

/* True when an argument of type arg may be passed for parameter code p. */
static bool accepts(const wr_type *arg, unsigned char p, const wr_type **tbind,
                    bool casts)
{
    if (is_null_arg(arg))
        return true;
    if (p == P_T)
        return bind_t(tbind, arg);
    if (p == P_ARRAY_T) {
        if (arg->kind != WR_T_ARRAY)
            return false;
        return is_null_arg(arg->elem) || bind_t(tbind, arg->elem);
    }
    if (arg->kind == (wr_type_kind)p)
        return true;
    if (!casts)
        return false;
    int from = wr_type_numeric_rank(arg->kind),
        to = wr_type_numeric_rank((wr_type_kind)p);
    return from && to && from <= to;
}

static int sig_nparams(const fn_sig *s)
{
    int n = 0;
    while (n < FN_MAX_PARAMS && s->p[n])
        n++;
    return n;
}

/*
 * Matches args against s. Returns its rank among fitting signatures
 * (higher wins: non-variadic, then more parameters, then fewer generic
 * parameters) with the generic binding in *tbind, or -1 when it does not
 * fit.
 */
static int sig_match(const fn_sig *s, const wr_type *const *args, int nargs,
                     bool casts, const wr_type **tbind)
{
    int np = sig_nparams(s);
    int generics = 0;

    *tbind = NULL;
    if (s->variadic ? nargs < np - 1 : nargs != np)
        return -1;
    for (int i = 0; i < nargs; i++) {
        unsigned char p = s->p[i < np ? i : np - 1];
        if (!accepts(args[i], p, tbind, casts))
            return -1;
    }
    for (int i = 0; i < np; i++)
        if (s->p[i] == P_T || s->p[i] == P_ARRAY_T)
            generics++;
    return (s->variadic ? 0 : 1 << 16) | np << 8 | (255 - generics);
}

/* Argument i converted to primitive parameter code p: DECIMAL parameters
 * see integers as DECIMAL(10, 0) / DECIMAL(19, 0). NULL on failure. */
static const wr_type *as_param(wr_arena *ar, const wr_type *arg,
                               unsigned char p)
{
    if (is_null_arg(arg))
        return NULL;
    if (p == WR_T_DECIMAL)
        return wr_type_to_decimal(ar, arg);
    if (p == P_T || p == P_ARRAY_T)
        return arg;
    return wr_type_prim((wr_type_kind)p);
}

/*
 * Builds the result type of the chosen signature. Returns NULL with *oom
 * set when out of memory, or NULL with *oom clear when the arguments leave
 * the result unknown (a generic bound to nothing but NULLs).
 */
static const wr_type *sig_result(const fn_sig *s, const wr_type *const *args,
                                 int nargs, const wr_type *tbind, wr_arena *ar,
                                 bool *oom)
{
    const wr_type *t = NULL;

    *oom = false;
    switch (s->ret) {
    case R_T:
        return tbind;
    case R_ARRAY_T:
        if (!tbind)
            return NULL;
        t = wr_type_array(ar, tbind);
        break;
    case R_ARG0:
    case R_ARRAY_ARG0:
        if (nargs < 1 || is_null_arg(args[0]))
            return NULL;
        t = as_param(ar, args[0], s->p[0]);
        if (t && s->ret == R_ARRAY_ARG0)
            t = wr_type_array(ar, t);
        break;
    case R_DEC_ROUND: {
        if (nargs < 1 || is_null_arg(args[0]))
            return NULL;
        const wr_type *d = wr_type_to_decimal(ar, args[0]);
        if (!d)
            break;
        int p = d->precision - d->scale;
        t = wr_type_decimal(ar, p < 1 ? 1 : p, 0);
        break;
    }
    case R_DEC_WIDEN: {
        const wr_type *acc = NULL;
        for (int i = 0; i < nargs; i++) {
            if (is_null_arg(args[i]))
                continue;
            const wr_type *d = wr_type_to_decimal(ar, args[i]);
            if (!d) {
                *oom = true;
                return NULL;
            }
            acc = acc ? wr_type_numeric_common(ar, acc, d) : d;
            if (!acc) {
                *oom = true;
                return NULL;
            }
        }
        return acc;
    }
    case R_ARRAY_STRING:
        t = wr_type_array(ar, wr_type_prim(WR_T_STRING));
        break;
    case R_ARRAY_BYTES:
        t = wr_type_array(ar, wr_type_prim(WR_T_BYTES));
        break;
    case R_MAP_STRING_BIGINT:
        t = wr_type_map(ar, wr_type_prim(WR_T_STRING),
                        wr_type_prim(WR_T_BIGINT));
        break;
    default:
        return wr_type_prim((wr_type_kind)s->ret);
    }
    if (!t)
        *oom = true;
    return t;
}

/*
 * The resolve callback of every registry entry: picks the overload as
 * ksqlDB's UdfIndex does (see the file comment) and builds its result
 * type. Borrows args; the result is static or owned by ar.
 */
static const wr_type *resolve_sigs(const wr_func *f, const wr_type *const *args,
                                   int nargs, wr_arena *ar, char *err,
                                   size_t errlen)
{
    const fn_def *d = (const fn_def *)f;
    bool fits = false;

    for (int pass = 0; pass < (d->casts ? 2 : 1) && !fits; pass++) {
        int best = -1, best_rank = -1;
        bool tie = false;
        const wr_type *best_t = NULL;
        for (int i = 0; i < d->nsigs; i++) {
            const wr_type *tb;
            int r = sig_match(&d->sigs[i], args, nargs, pass == 1, &tb);
            if (r < 0)
                continue;
            if (r > best_rank) {
                best = i;
                best_rank = r;
                best_t = tb;
                tie = false;
            } else if (r == best_rank) {
                tie = true;
            }
        }
        if (best < 0)
            continue;
        fits = true;
        if (tie)
            break;
        bool oom;
        const wr_type *t =
            sig_result(&d->sigs[best], args, nargs, best_t, ar, &oom);
        if (t)
            return t;
        if (oom) {
            fail_msg("out of memory", err, errlen);
            return NULL;
        }
        /* Unknown result: a generic met nothing but NULLs. */
    }
    if (fits)
        fail_args(f, "cannot be resolved due to ambiguous method parameters",
                  args, nargs, err, errlen);
    else
        fail_args(f, "does not accept parameters", args, nargs, err, errlen);
    return NULL;
}

const wr_type *wr_func_resolve(const wr_func *f, const wr_type *const *args,
                               int nargs, wr_arena *ar, char *err,
                               size_t errlen)
{
    if (!f) {
        fail_msg("unknown function", err, errlen);
        return NULL;
    }
    if (nargs < 0 || (nargs > 0 && !args) || nargs < f->min_args ||
        (f->max_args >= 0 && nargs > f->max_args)) {
        fail_args(f, "does not accept parameters", args, nargs < 0 ? 0 : nargs,
                  err, errlen);
        return NULL;
    }
    return f->resolve(f, args, nargs, ar, err, errlen);
}
