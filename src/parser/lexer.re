/*
 * lexer.re: the SQL tokenizer (re2c source; the C file is generated into the
 * build tree and never committed).
 *
 * A reentrant scanner over a NUL-terminated buffer: no globals, no fill
 * function (re2c:yyfill:enable = 0). It returns the grammar's token code and
 * the token's {off, len} into the text; tokens are never copied. Blanks,
 * `-- line` comments and block comments are skipped here. Words are matched
 * generically and then looked up in the keyword table (keywords.c), so the
 * keyword list lives in one place. A NUL byte before the end of the text is
 * an illegal character, not the end.
 */
#include "parser/parser_int.h"

#include "grammar.h"

int wr_lex(const char *text, size_t len, size_t *pos, weir_loc *tok)
{
    const char *YYCURSOR = text + *pos;
    const char *YYMARKER = YYCURSOR;
    const char *const end = text + len;
    const char *start;

    for (;;) {
        start = YYCURSOR;
        tok->off = (int32_t)(start - text);
        tok->len = 0;
#define TOKEN(code)                                                            \
    do {                                                                       \
        tok->len = (int32_t)(YYCURSOR - start);                                \
        *pos = (size_t)(YYCURSOR - text);                                      \
        return (code);                                                         \
    } while (0)
        /*!re2c
        re2c:define:YYCTYPE = "unsigned char";
        re2c:yyfill:enable = 0;

        digit  = [0-9];
        letter = [a-zA-Z_];
        word   = letter [a-zA-Z0-9_@]*;
        int    = digit+;
        dec    = digit+ "." digit* | "." digit+;
        exp    = [eE] [+-]? digit+;

        "\x00" {
            if (start >= end) {
                *pos = len;
                tok->len = 0;
                return WR_LEX_EOF;
            }
            tok->len = 1;
            *pos = (size_t)(YYCURSOR - text);
            return WR_LEX_ERROR;
        }
        [ \t\r\n\f\v]+ { continue; }
        "--" [^\n\x00]* { continue; }
        "/*" {
            for (;;) {
                if (YYCURSOR >= end) {
                    tok->len = 2;
                    *pos = len;
                    return WR_LEX_UNTERM_CMT;
                }
                if (YYCURSOR[0] == '*' && YYCURSOR + 1 < end &&
                    YYCURSOR[1] == '/') {
                    YYCURSOR += 2;
                    break;
                }
                YYCURSOR++;
            }
            continue;
        }

        word { TOKEN(wr_keyword_code(start, (size_t)(YYCURSOR - start))); }
        int  { TOKEN(TK_INTEGER); }
        dec  { TOKEN(TK_DECIMAL); }
        (int | dec) exp { TOKEN(TK_FLOAT); }
        /* ksqlDB's DIGIT_IDENTIFIER (an alias like 1R); a number followed
         * by letters that is not an exponent. Listed after the numbers so
         * that 1E5 stays a number (equal length: the first rule wins). */
        digit+ [a-zA-Z_@] [a-zA-Z0-9_@]* { TOKEN(TK_ID); }

        "'" {
            for (;;) {
                if (YYCURSOR >= end) {
                    tok->len = 1;
                    *pos = len;
                    return WR_LEX_UNTERM_STR;
                }
                if (*YYCURSOR++ == '\'') {
                    if (YYCURSOR < end && *YYCURSOR == '\'') {
                        YYCURSOR++;
                        continue;
                    }
                    break;
                }
            }
            TOKEN(TK_STRING);
        }
        ["`"] {
            char q = start[0];
            for (;;) {
                if (YYCURSOR >= end) {
                    tok->len = 1;
                    *pos = len;
                    return WR_LEX_UNTERM_ID;
                }
                if (*YYCURSOR++ == q) {
                    if (YYCURSOR < end && *YYCURSOR == q) {
                        YYCURSOR++;
                        continue;
                    }
                    break;
                }
            }
            TOKEN(TK_QID);
        }

        "("  { TOKEN(TK_LP); }
        ")"  { TOKEN(TK_RP); }
        "["  { TOKEN(TK_LBRACKET); }
        "]"  { TOKEN(TK_RBRACKET); }
        ","  { TOKEN(TK_COMMA); }
        "."  { TOKEN(TK_DOT); }
        ";"  { TOKEN(TK_SEMI); }
        "+"  { TOKEN(TK_PLUS); }
        "-"  { TOKEN(TK_MINUS); }
        "*"  { TOKEN(TK_STAR); }
        "/"  { TOKEN(TK_SLASH); }
        "%"  { TOKEN(TK_REM); }
        "||" { TOKEN(TK_CONCAT); }
        "="  { TOKEN(TK_EQ); }
        "==" { TOKEN(TK_EQ); }
        "!=" { TOKEN(TK_NE); }
        "<>" { TOKEN(TK_NE); }
        "<"  { TOKEN(TK_LT); }
        "<=" { TOKEN(TK_LE); }
        ">"  { TOKEN(TK_GT); }
        ">=" { TOKEN(TK_GE); }
        "->" { TOKEN(TK_ARROW); }
        ":=" { TOKEN(TK_ASSIGN); }
        [^] {
            tok->len = 1;
            *pos = (size_t)(YYCURSOR - text);
            return WR_LEX_ERROR;
        }
        */
#undef TOKEN
    }
}
