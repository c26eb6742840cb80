#include "sqllexer.h"

#include <QSet>
#include <QString>

namespace ktx {

namespace {

enum State { Normal = 0, InBlockComment = 1, InString = 2 };

const QSet<QString> &keywords()
{
    static const QSet<QString> words = [] {
        // Clause and operator words plus type names; function names are recognised by the
        // '(' that follows them instead, so a column called "count" stays an identifier.
        const QString list = QStringLiteral(
            "ADD ALL ALTER ANALYZE AND ANY AS ASC ATTACH BEGIN BETWEEN BIGINT BLOB BOOLEAN BY "
            "CASCADE CASE CAST CHAR CHECK COLLATE COLUMN COMMIT CONFLICT CONSTRAINT CREATE CROSS "
            "CURRENT_DATE CURRENT_TIME CURRENT_TIMESTAMP DATABASE DATE DECIMAL DEFAULT DELETE "
            "DESC DETACH DISTINCT DO DOUBLE DROP ELSE END ESCAPE EXCEPT EXISTS EXPLAIN FETCH "
            "FILTER FIRST FLOAT FOLLOWING FOR FOREIGN FROM FULL GLOB GROUP HAVING IF ILIKE IN "
            "INDEX INNER INSERT INT INTEGER INTERSECT INTERVAL INTO IS ISNULL JOIN KEY LAST "
            "LATERAL LEFT LIKE LIMIT MATERIALIZED NATURAL NEXT NO NOT NOTHING NOTNULL NULL NULLS "
            "NUMERIC OFFSET ON ONLY OR ORDER OUTER OVER PARTITION PRAGMA PRECEDING PRIMARY "
            "QUALIFY RANGE REAL RECURSIVE REFERENCES REGEXP RENAME REPLACE RETURNING RIGHT "
            "ROLLBACK ROW ROWS SCHEMA SELECT SET SMALLINT SOME TABLE TEMP TEMPORARY TEXT THEN "
            "TIES TIME TIMESTAMP TO TRANSACTION TRIGGER UNBOUNDED UNION UNIQUE UPDATE USING "
            "VACUUM VALUES VARCHAR VIEW WHEN WHERE WINDOW WITH WITHIN WITHOUT");
        const auto parts = list.split(u' ', Qt::SkipEmptyParts);
        return QSet<QString>(parts.begin(), parts.end());
    }();
    return words;
}

// After these, "name (" names a table or CTE with a column list, not a function call.
bool introducesTableName(const QString &keyword)
{
    static const QSet<QString> words
        = {QStringLiteral("INTO"),      QStringLiteral("TABLE"),      QStringLiteral("EXISTS"),
           QStringLiteral("VIEW"),      QStringLiteral("REFERENCES"), QStringLiteral("WITH"),
           QStringLiteral("RECURSIVE"), QStringLiteral("INDEX"),      QStringLiteral("TRIGGER")};
    return words.contains(keyword);
}

bool isIdentifierStart(QChar c)
{
    return c.isLetter() || c == u'_';
}

bool isIdentifierChar(QChar c)
{
    return c.isLetterOrNumber() || c == u'_' || c == u'$';
}

bool isOperatorChar(QChar c)
{
    return QStringView(u"=<>!+-*/%|&^~:").contains(c);
}

// Index after the closing quote of a '...' literal that starts before from, or -1.
int stringEnd(QStringView line, int from)
{
    for (int i = from; i < line.size(); ++i) {
        if (line[i] != u'\'')
            continue;
        if (i + 1 < line.size() && line[i + 1] == u'\'') { // '' escapes a quote
            ++i;
            continue;
        }
        return i + 1;
    }
    return -1;
}

} // namespace

int SqlLexer::lexLine(QStringView line, int previousState, QList<TokenSpan> &spans) const
{
    const int n = int(line.size());
    const auto add = [&spans](int start, int end, TokenClass token) {
        if (end > start)
            spans.append({start, end - start, token});
    };

    int i = 0;
    if (previousState == InBlockComment) {
        const int close = int(line.indexOf(u"*/"));
        if (close < 0) {
            add(0, n, TokenClass::Comment);
            return InBlockComment;
        }
        add(0, close + 2, TokenClass::Comment);
        i = close + 2;
    } else if (previousState == InString) {
        const int close = stringEnd(line, 0);
        if (close < 0) {
            add(0, n, TokenClass::String);
            return InString;
        }
        add(0, close, TokenClass::String);
        i = close;
    }

    QString lastKeyword;
    while (i < n) {
        const QChar c = line[i];
        const QChar next = i + 1 < n ? line[i + 1] : QChar();
        if (c.isSpace()) {
            ++i;
        } else if (c == u'-' && next == u'-') {
            add(i, n, TokenClass::Comment);
            break;
        } else if (c == u'/' && next == u'*') {
            const int close = int(line.indexOf(u"*/", i + 2));
            if (close < 0) {
                add(i, n, TokenClass::Comment);
                return InBlockComment;
            }
            add(i, close + 2, TokenClass::Comment);
            i = close + 2;
        } else if (c == u'\'') {
            const int close = stringEnd(line, i + 1);
            if (close < 0) {
                add(i, n, TokenClass::String);
                return InString;
            }
            add(i, close, TokenClass::String);
            i = close;
        } else if (c == u'"' || c == u'`' || c == u'[') {
            // Quoted identifiers: skipped whole so "select" or [order] never reads as a keyword.
            const QChar close = c == u'[' ? QChar(u']') : c;
            const int end = int(line.indexOf(close, i + 1));
            i = end < 0 ? n : end + 1;
        } else if (c.isDigit() || (c == u'.' && next.isDigit())) {
            int end = i;
            while (end < n && (line[end].isDigit() || line[end] == u'.' || line[end] == u'_'))
                ++end;
            if (end < n && (line[end] == u'e' || line[end] == u'E')) {
                int exp = end + 1;
                if (exp < n && (line[exp] == u'+' || line[exp] == u'-'))
                    ++exp;
                if (exp < n && line[exp].isDigit()) {
                    end = exp;
                    while (end < n && line[end].isDigit())
                        ++end;
                }
            }
            add(i, end, TokenClass::Number);
            i = end;
        } else if (isIdentifierStart(c)) {
            int end = i + 1;
            while (end < n && isIdentifierChar(line[end]))
                ++end;
            const QString word = line.mid(i, end - i).toString().toUpper();
            int after = end;
            while (after < n && line[after].isSpace())
                ++after;
            if (keywords().contains(word)) {
                add(i, end, TokenClass::Keyword);
                lastKeyword = word;
            } else if (word == u"TRUE" || word == u"FALSE") {
                add(i, end, TokenClass::Constant);
            } else if (after < n && line[after] == u'(' && !introducesTableName(lastKeyword)) {
                add(i, end, TokenClass::Function);
            }
            i = end;
        } else if (isOperatorChar(c)) {
            int end = i + 1;
            // Stop before "--" or "/*" so a comment glued to an operator still starts.
            while (end < n && isOperatorChar(line[end])
                   && !(end + 1 < n
                        && ((line[end] == u'-' && line[end + 1] == u'-')
                            || (line[end] == u'/' && line[end + 1] == u'*'))))
                ++end;
            add(i, end, TokenClass::Operator);
            i = end;
        } else {
            if (c == u'(' || c == u',' || c == u';')
                lastKeyword.clear();
            ++i;
        }
    }
    return Normal;
}

} // namespace ktx
