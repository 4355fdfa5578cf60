/*
 * keywords.c: the keyword table: SQL words that the lexer turns into their
 * own tokens. Everything else shaped like a word is TK_ID.
 *
 * The table is sorted so that lookup is a binary search with a
 * case-insensitive comparison. Which keywords may still be used as
 * identifiers is decided in grammar.y (%fallback ID ...), not here.
 */
#include "parser/parser_int.h"

#include <string.h>

#include "grammar.h"

static const struct keyword {
    const char *name;
    int code;
} keywords[] = {
    {"ADVANCE", TK_ADVANCE},
    {"ALL", TK_ALL},
    {"AND", TK_AND},
    {"ARRAY", TK_ARRAY},
    {"AS", TK_AS},
    {"BATCH", TK_BATCH},
    {"BETWEEN", TK_BETWEEN},
    {"BY", TK_BY},
    {"CASE", TK_CASE},
    {"CAST", TK_CAST},
    {"CHANGES", TK_CHANGES},
    {"CREATE", TK_CREATE},
    {"DELETE", TK_DELETE},
    {"DESCRIBE", TK_DESCRIBE},
    {"DISTINCT", TK_DISTINCT},
    {"DROP", TK_DROP},
    {"ELSE", TK_ELSE},
    {"EMIT", TK_EMIT},
    {"END", TK_END},
    {"ESCAPE", TK_ESCAPE},
    {"EXISTS", TK_EXISTS},
    {"EXPLAIN", TK_EXPLAIN},
    {"EXTENDED", TK_EXTENDED},
    {"FALSE", TK_FALSE},
    {"FINAL", TK_FINAL},
    {"FROM", TK_FROM},
    {"FULL", TK_FULL},
    {"FUNCTIONS", TK_FUNCTIONS},
    {"GRACE", TK_GRACE},
    {"GROUP", TK_GROUP},
    {"HAVING", TK_HAVING},
    {"HEADER", TK_HEADER},
    {"HEADERS", TK_HEADERS},
    {"HOPPING", TK_HOPPING},
    {"IF", TK_IF},
    {"IN", TK_IN},
    {"INNER", TK_INNER},
    {"INSERT", TK_INSERT},
    {"INTO", TK_INTO},
    {"IS", TK_IS},
    {"JOIN", TK_JOIN},
    {"KEY", TK_KEY},
    {"KEYS", TK_KEYS},
    {"LEFT", TK_LEFT},
    {"LIKE", TK_LIKE},
    {"LIMIT", TK_LIMIT},
    {"LIST", TK_LIST},
    {"MAP", TK_MAP},
    {"NOT", TK_NOT},
    {"NULL", TK_NULL},
    {"ON", TK_ON},
    {"OR", TK_OR},
    {"OUTER", TK_OUTER},
    {"PARTITION", TK_PARTITION},
    {"PER", TK_PER},
    {"PERIOD", TK_PERIOD},
    {"PRIMARY", TK_PRIMARY},
    {"PROPERTIES", TK_PROPERTIES},
    {"QUERIES", TK_QUERIES},
    {"REPLACE", TK_REPLACE},
    {"RETENTION", TK_RETENTION},
    {"RIGHT", TK_RIGHT},
    {"RUN", TK_RUN},
    {"SCRIPT", TK_SCRIPT},
    {"SELECT", TK_SELECT},
    {"SESSION", TK_SESSION},
    {"SET", TK_SET},
    {"SHOW", TK_SHOW},
    {"SIZE", TK_SIZE},
    {"SNAPSHOT", TK_SNAPSHOT},
    {"STREAM", TK_STREAM},
    {"STREAMS", TK_STREAMS},
    {"STRUCT", TK_STRUCT},
    {"TABLE", TK_TABLE},
    {"TABLES", TK_TABLES},
    {"TERMINATE", TK_TERMINATE},
    {"THEN", TK_THEN},
    {"TOPIC", TK_TOPIC},
    {"TOPICS", TK_TOPICS},
    {"TRUE", TK_TRUE},
    {"TUMBLING", TK_TUMBLING},
    {"UNION", TK_UNION},
    {"UNSET", TK_UNSET},
    {"VALUES", TK_VALUES},
    {"WHEN", TK_WHEN},
    {"WHERE", TK_WHERE},
    {"WINDOW", TK_WINDOW},
    {"WITH", TK_WITH},
    {"WITHIN", TK_WITHIN},
};

#define NKEYWORDS ((int)(sizeof keywords / sizeof keywords[0]))

int wr_keyword_code(const char *s, size_t len)
{
    /* Upper-case the word once (keywords are ASCII and at most 10 bytes),
     * then binary-search with plain byte compares: strncasecmp per probe
     * was a quarter of the whole parse+bind time (bench/README.md). */
    if (len < 2 || len > 10)
        return TK_ID;
    char up[11];
    for (size_t i = 0; i < len; i++) {
        unsigned char c = (unsigned char)s[i];
        up[i] = (char)(c >= 'a' && c <= 'z' ? c - ('a' - 'A') : c);
    }
    up[len] = '\0';
    int lo = 0, hi = NKEYWORDS - 1;
    while (lo <= hi) {
        int mid = (lo + hi) / 2;
        int c = strcmp(up, keywords[mid].name);
        if (c == 0)
            return keywords[mid].code;
        if (c < 0)
            hi = mid - 1;
        else
            lo = mid + 1;
    }
    return TK_ID;
}

int wr_keyword_count(void)
{
    return NKEYWORDS;
}

const char *wr_keyword_at(int i)
{
    return i >= 0 && i < NKEYWORDS ? keywords[i].name : NULL;
}
