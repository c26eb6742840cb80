#include "db/sqltemplateanalyzer.h"

#include "db/databasesession.h"

#include <QRegularExpression>
#include <QSet>

#include <algorithm>

namespace ktx {

size_t qHash(const SqlColumnUse &use, size_t seed = 0)
{
    return qHashMulti(seed, use.table, use.column);
}

size_t qHash(const SqlJoinPair &pair, size_t seed = 0)
{
    return qHashMulti(seed, pair.left, pair.right);
}

namespace {

struct Token
{
    enum Kind { Word, QuotedIdent, String, Number, Param, Op, LParen, RParen, Comma, Dot, Semi };
    Kind kind;
    QString text; // Word: folded to lower case; QuotedIdent: unescaped; else as written
};

bool isIdentStart(QChar c)
{
    return c.isLetter() || c == QLatin1Char('_');
}

bool isIdentPart(QChar c)
{
    return c.isLetterOrNumber() || c == QLatin1Char('_') || c == QLatin1Char('$');
}

bool isOpChar(QChar c)
{
    return QStringView(u"+-*/<>=~!@#%^&|`?:").contains(c);
}

// PostgreSQL's lexical rules, enough for statement text: '...' with '' escapes,
// E'...' with backslash escapes, $tag$...$tag$, "..." identifiers, -- and
// nested /* */ comments, $n parameters.
struct Lexer
{
    explicit Lexer(const QString &sql)
        : s(sql)
    { }

    const QString &s;
    QList<Token> tokens;
    QString problem;

    bool skipComment(qsizetype &i)
    {
        if (s.mid(i, 2) == QLatin1String("--")) {
            while (i < s.size() && s.at(i) != QLatin1Char('\n'))
                ++i;
            return true;
        }
        if (s.mid(i, 2) == QLatin1String("/*")) {
            int depth = 0;
            while (i < s.size()) {
                if (s.mid(i, 2) == QLatin1String("/*")) {
                    ++depth;
                    i += 2;
                } else if (s.mid(i, 2) == QLatin1String("*/")) {
                    i += 2;
                    if (--depth == 0)
                        return true;
                } else {
                    ++i;
                }
            }
            problem = QStringLiteral("unterminated comment");
            return true;
        }
        return false;
    }

    bool run()
    {
        qsizetype i = 0;
        while (i < s.size() && problem.isEmpty()) {
            const QChar c = s.at(i);
            if (c.isSpace()) {
                ++i;
            } else if (skipComment(i)) {
            } else if (c == QLatin1Char('\'')) {
                i = quoted(i, QLatin1Char('\''), false, Token::String);
            } else if ((c == QLatin1Char('e') || c == QLatin1Char('E')) && i + 1 < s.size()
                       && s.at(i + 1) == QLatin1Char('\'')) {
                i = quoted(i + 1, QLatin1Char('\''), true, Token::String);
            } else if (QStringView(u"bBxXnNuU").contains(c) && i + 1 < s.size()
                       && s.at(i + 1) == QLatin1Char('\'')) {
                i = quoted(i + 1, QLatin1Char('\''), false, Token::String);
            } else if ((c == QLatin1Char('u') || c == QLatin1Char('U'))
                       && s.mid(i + 1, 2) == u"&'") {
                i = quoted(i + 2, QLatin1Char('\''), false, Token::String);
            } else if ((c == QLatin1Char('u') || c == QLatin1Char('U'))
                       && s.mid(i + 1, 2) == u"&\"") {
                i = quoted(i + 2, QLatin1Char('"'), false, Token::QuotedIdent);
            } else if (c == QLatin1Char('"')) {
                i = quoted(i, QLatin1Char('"'), false, Token::QuotedIdent);
            } else if (c == QLatin1Char('$')) {
                i = dollar(i);
            } else if (isIdentStart(c)) {
                qsizetype j = i + 1;
                while (j < s.size() && isIdentPart(s.at(j)))
                    ++j;
                tokens << Token {Token::Word, s.mid(i, j - i).toLower()};
                i = j;
            } else if (c.isDigit()
                       || (c == QLatin1Char('.') && i + 1 < s.size() && s.at(i + 1).isDigit())) {
                qsizetype j = i;
                while (j < s.size()
                       && (s.at(j).isLetterOrNumber() || s.at(j) == QLatin1Char('.')
                           || s.at(j) == QLatin1Char('_')
                           || ((s.at(j) == QLatin1Char('+') || s.at(j) == QLatin1Char('-'))
                               && (s.at(j - 1) == QLatin1Char('e')
                                   || s.at(j - 1) == QLatin1Char('E')))))
                    ++j;
                tokens << Token {Token::Number, s.mid(i, j - i)};
                i = j;
            } else if (c == QLatin1Char('(')) {
                tokens << Token {Token::LParen, QStringLiteral("(")};
                ++i;
            } else if (c == QLatin1Char(')')) {
                tokens << Token {Token::RParen, QStringLiteral(")")};
                ++i;
            } else if (c == QLatin1Char(',')) {
                tokens << Token {Token::Comma, QStringLiteral(",")};
                ++i;
            } else if (c == QLatin1Char('.')) {
                tokens << Token {Token::Dot, QStringLiteral(".")};
                ++i;
            } else if (c == QLatin1Char(';')) {
                tokens << Token {Token::Semi, QStringLiteral(";")};
                ++i;
            } else if (c == QLatin1Char('[') || c == QLatin1Char(']')) {
                tokens << Token {Token::Op, QString(c)};
                ++i;
            } else if (isOpChar(c)) {
                qsizetype j = i;
                while (j < s.size() && isOpChar(s.at(j)) && s.mid(j, 2) != QLatin1String("--")
                       && s.mid(j, 2) != QLatin1String("/*"))
                    ++j;
                tokens << Token {Token::Op, s.mid(i, j - i)};
                i = j;
            } else {
                tokens << Token {Token::Op, QString(c)};
                ++i;
            }
        }
        return problem.isEmpty();
    }

    qsizetype quoted(qsizetype open, QChar quote, bool backslash, Token::Kind kind)
    {
        QString text;
        qsizetype i = open + 1;
        while (i < s.size()) {
            const QChar c = s.at(i);
            if (backslash && c == QLatin1Char('\\') && i + 1 < s.size()) {
                text += s.at(i + 1);
                i += 2;
            } else if (c == quote) {
                if (i + 1 < s.size() && s.at(i + 1) == quote) {
                    text += quote;
                    i += 2;
                } else {
                    tokens << Token {kind, text};
                    return i + 1;
                }
            } else {
                text += c;
                ++i;
            }
        }
        problem = kind == Token::QuotedIdent ? QStringLiteral("unterminated quoted identifier")
                                             : QStringLiteral("unterminated string literal");
        return s.size();
    }

    qsizetype dollar(qsizetype i)
    {
        // $1: a parameter; $tag$ or $$: the start of a dollar-quoted string.
        qsizetype j = i + 1;
        if (j < s.size() && s.at(j).isDigit()) {
            while (j < s.size() && s.at(j).isDigit())
                ++j;
            tokens << Token {Token::Param, s.mid(i, j - i)};
            return j;
        }
        while (j < s.size() && (isIdentPart(s.at(j))) && s.at(j) != QLatin1Char('$'))
            ++j;
        if (j < s.size() && s.at(j) == QLatin1Char('$')) {
            const QString tag = s.mid(i, j - i + 1);
            const qsizetype end = s.indexOf(tag, j + 1);
            if (end < 0) {
                problem = QStringLiteral("unterminated dollar-quoted string");
                return s.size();
            }
            tokens << Token {Token::String, s.mid(j + 1, end - j - 1)};
            return end + tag.size();
        }
        tokens << Token {Token::Op, QStringLiteral("$")};
        return i + 1;
    }
};

// Words that are never a column when they stand alone in an expression.
const QSet<QString> &expressionKeywords()
{
    static const QSet<QString> words = [] {
        QSet<QString> w;
        for (const char *k : {"all",          "and",
                              "any",          "array",
                              "as",           "asc",
                              "asymmetric",   "at",
                              "between",      "both",
                              "by",           "case",
                              "cast",         "collate",
                              "cross",        "current_date",
                              "current_time", "current_timestamp",
                              "current_user", "date",
                              "day",          "default",
                              "desc",         "distinct",
                              "double",       "else",
                              "end",          "escape",
                              "except",       "exists",
                              "false",        "fetch",
                              "filter",       "first",
                              "following",    "for",
                              "from",         "full",
                              "group",        "having",
                              "hour",         "ilike",
                              "in",           "inner",
                              "intersect",    "interval",
                              "into",         "is",
                              "isnull",       "join",
                              "last",         "lateral",
                              "leading",      "left",
                              "like",         "limit",
                              "localtime",    "localtimestamp",
                              "minute",       "month",
                              "natural",      "not",
                              "notnull",      "null",
                              "nulls",        "offset",
                              "on",           "only",
                              "or",           "order",
                              "outer",        "over",
                              "partition",    "precision",
                              "preceding",    "range",
                              "right",        "row",
                              "rows",         "second",
                              "select",       "session_user",
                              "similar",      "some",
                              "symmetric",    "then",
                              "time",         "timestamp",
                              "to",           "trailing",
                              "true",         "unbounded",
                              "union",        "unknown",
                              "user",         "using",
                              "values",       "varying",
                              "when",         "where",
                              "window",       "with",
                              "within",       "without",
                              "year",         "zone"})
            w.insert(QString::fromLatin1(k));
        return w;
    }();
    return words;
}

// Words that end a table item in FROM (so they are not its alias).
const QSet<QString> &fromKeywords()
{
    static const QSet<QString> words = [] {
        QSet<QString> w;
        for (const char *k :
             {"on",     "using",   "join",        "inner",     "left",  "right",     "full",
              "cross",  "natural", "outer",       "where",     "group", "having",    "order",
              "limit",  "offset",  "fetch",       "for",       "union", "intersect", "except",
              "window", "lateral", "tablesample", "returning", "into",  "when",      "then",
              "set",    "values",  "select",      "with"})
            w.insert(QString::fromLatin1(k));
        return w;
    }();
    return words;
}

QSet<QString> wordSet(const char *words)
{
    QSet<QString> out;
    for (const QString &w : QString::fromLatin1(words).split(QLatin1Char(' ')))
        out.insert(w);
    return out;
}

bool isWord(const Token &t, const char *word)
{
    return t.kind == Token::Word && t.text == QLatin1String(word);
}

bool isIdent(const Token &t)
{
    return t.kind == Token::Word || t.kind == Token::QuotedIdent;
}

QString key(const QString &schema, const QString &name)
{
    return schema + QChar(0x1f) + name;
}

} // namespace

// One analysis: the tokens, the scopes of the query blocks, what was found.
class SqlTemplateParser
{
public:
    SqlTemplateParser(const SqlTemplateAnalyzer &analyzer, QList<Token> tokens)
        : a(analyzer)
        , t(std::move(tokens))
    { }

    struct Binding
    {
        QString alias; // folded or quoted spelling; the table name when no alias
        QString table; // display name; empty for a derived table, function or CTE
        const SqlTemplateAnalyzer::KnownTable *known = nullptr;
    };
    struct Scope
    {
        const Scope *outer = nullptr;
        QList<Binding> bindings;
        QSet<QString> ctes;

        bool isCte(const QString &name) const
        {
            for (const Scope *s = this; s; s = s->outer)
                if (s->ctes.contains(name))
                    return true;
            return false;
        }
    };

    SqlTemplateAnalysis run();

private:
    const SqlTemplateAnalyzer &a;
    QList<Token> t;
    QSet<QString> m_tables;
    QSet<QString> m_unknown;
    QSet<QString> m_system;
    QSet<SqlJoinPair> m_joins;
    QSet<SqlColumnUse> m_filters;
    QSet<SqlColumnUse> m_groupBy;
    bool m_modifying = false;

    qsizetype matching(qsizetype open, qsizetype end) const
    {
        int depth = 0;
        for (qsizetype i = open; i < end; ++i) {
            if (t[i].kind == Token::LParen)
                ++depth;
            else if (t[i].kind == Token::RParen && --depth == 0)
                return i;
        }
        return end; // unbalanced: the rest of the range
    }

    bool startsQuery(qsizetype i, qsizetype end) const
    {
        while (i < end && t[i].kind == Token::LParen)
            ++i;
        return i < end
            && (isWord(t[i], "select") || isWord(t[i], "with") || isWord(t[i], "values"));
    }

    // Dotted identifier at i: its parts and the index after it.
    QStringList dotted(qsizetype &i, qsizetype end) const
    {
        QStringList parts;
        if (i >= end || !isIdent(t[i]))
            return parts;
        parts << t[i].text;
        ++i;
        while (i + 1 < end && t[i].kind == Token::Dot && isIdent(t[i + 1])) {
            parts << t[i + 1].text;
            i += 2;
        }
        return parts;
    }

    Binding resolveTable(const QStringList &parts, const Scope &scope)
    {
        Binding b;
        const QString name = parts.last();
        b.alias = name;
        if (parts.size() == 1 && scope.isCte(name))
            return b;
        const QString schema = parts.size() >= 2 ? parts.at(parts.size() - 2) : QString();
        if (schema == QLatin1String("pg_catalog") || schema == QLatin1String("information_schema")
            || (schema.isEmpty() && name.startsWith(QLatin1String("pg_")))) {
            const QString shown = schema.isEmpty() ? name : schema + QLatin1Char('.') + name;
            b.table = shown;
            m_tables.insert(shown);
            m_system.insert(shown);
            return b;
        }
        const SqlTemplateAnalyzer::KnownTable *known = nullptr;
        if (!schema.isEmpty()) {
            auto it = a.m_tables.constFind(key(schema, name));
            if (it != a.m_tables.constEnd())
                known = &*it;
        } else {
            for (const QString &s : a.m_searchPath) {
                auto it = a.m_tables.constFind(key(s, name));
                if (it != a.m_tables.constEnd()) {
                    known = &*it;
                    break;
                }
            }
        }
        if (known) {
            b.table = known->displayName;
            b.known = known;
        } else {
            b.table = schema.isEmpty() ? name : schema + QLatin1Char('.') + name;
            m_unknown.insert(b.table);
        }
        m_tables.insert(b.table);
        return b;
    }

    static bool hasColumn(const Binding &b, const QString &column)
    {
        return b.known && b.known->columns.contains(column);
    }

    // The table occurrence a column reference points at, or nullptr.
    const Binding *resolveColumn(const QStringList &parts, const Scope &scope, bool groupBy) const
    {
        if (parts.size() >= 2) {
            const QString qualifier = parts.at(parts.size() - 2);
            for (const Scope *s = &scope; s; s = s->outer)
                for (const Binding &b : s->bindings)
                    if (b.alias == qualifier)
                        return b.table.isEmpty() ? nullptr : &b;
            return nullptr;
        }
        const QString column = parts.constFirst();
        for (const Scope *s = &scope; s; s = s->outer) {
            const Binding *only = nullptr;
            int tables = 0;
            int holders = 0;
            const Binding *holder = nullptr;
            for (const Binding &b : s->bindings) {
                ++tables;
                only = &b;
                if (hasColumn(b, column)) {
                    ++holders;
                    holder = &b;
                }
            }
            if (holders == 1)
                return holder;
            if (holders > 1)
                return nullptr; // ambiguous: PostgreSQL would refuse it too
            // One unknown table in the block: the column is most likely its own,
            // except in GROUP BY, where it may name an output column.
            if (tables == 1 && only && !only->table.isEmpty() && !only->known && !groupBy)
                return only;
            // Known tables that lack the column: look further out (correlation).
        }
        return nullptr;
    }

    // A column reference at i (not a keyword, function, type or parameter);
    // returns its parts and moves i past it, or returns empty and leaves i.
    QStringList columnRef(qsizetype &i, qsizetype end) const
    {
        if (i >= end || !isIdent(t[i]))
            return {};
        if (t[i].kind == Token::Word && expressionKeywords().contains(t[i].text))
            return {};
        if (i > 0 && t[i - 1].kind == Token::Op && t[i - 1].text == QLatin1String("::"))
            return {};
        qsizetype j = i;
        QStringList parts = dotted(j, end);
        if (j < end && t[j].kind == Token::Dot && j + 1 < end && t[j + 1].kind == Token::Op
            && t[j + 1].text == QLatin1String("*"))
            return {}; // alias.*
        if (j < end && t[j].kind == Token::LParen)
            return {}; // a function call
        if (j < end && t[j].kind == Token::String)
            return {}; // a typed literal: date '2024-01-01'
        i = j;
        return parts;
    }

    // Skips `::type`, `::type(10)`, `::type[]`.
    qsizetype skipCasts(qsizetype i, qsizetype end) const
    {
        while (i < end && t[i].kind == Token::Op && t[i].text == QLatin1String("::")) {
            ++i;
            while (i < end && isIdent(t[i])) {
                ++i;
                if (i < end && t[i].kind == Token::Dot)
                    ++i;
            }
            if (i < end && t[i].kind == Token::LParen)
                i = matching(i, end) + 1;
            while (i < end && t[i].kind == Token::Op && t[i].text == QLatin1String("[")) {
                ++i;
                if (i < end && t[i].kind == Token::Op && t[i].text == QLatin1String("]"))
                    ++i;
            }
        }
        return i;
    }

    bool operandBoundaryBefore(qsizetype i, qsizetype begin) const
    {
        if (i <= begin)
            return true;
        const Token &p = t[i - 1];
        if (p.kind == Token::LParen || p.kind == Token::Comma)
            return true;
        return p.kind == Token::Word
            && (p.text == QLatin1String("and") || p.text == QLatin1String("or")
                || p.text == QLatin1String("on") || p.text == QLatin1String("where")
                || p.text == QLatin1String("having") || p.text == QLatin1String("not")
                || p.text == QLatin1String("when"));
    }

    bool operandBoundaryAfter(qsizetype i, qsizetype end) const
    {
        if (i >= end)
            return true;
        // `a.x = b.y + 1` compares with an expression, not a column.
        const Token &n = t[i];
        if (n.kind == Token::RParen || n.kind == Token::Comma || n.kind == Token::Semi)
            return true;
        return n.kind == Token::Word && expressionKeywords().contains(n.text);
    }

    void recordColumn(const QStringList &parts, const Scope &scope, QSet<SqlColumnUse> &into,
                      bool groupBy = false)
    {
        if (const Binding *b = resolveColumn(parts, scope, groupBy))
            into.insert(SqlColumnUse {b->table, parts.last()});
    }

    // WHERE / HAVING / ON: equalities between two table occurrences are joins,
    // every other column is a filter; subqueries are analysed in this scope.
    void predicate(qsizetype begin, qsizetype end, const Scope &scope)
    {
        qsizetype i = begin;
        while (i < end) {
            const Token &tok = t[i];
            if (tok.kind == Token::LParen) {
                const qsizetype close = matching(i, end);
                if (startsQuery(i + 1, close))
                    query(i + 1, close, scope);
                else
                    predicate(i + 1, close, scope);
                i = close + 1;
                continue;
            }
            if (isWord(tok, "extract") && i + 2 < end && t[i + 1].kind == Token::LParen) {
                i += 3; // EXTRACT(YEAR FROM col): the field is not a column
                continue;
            }
            if (isWord(tok, "as")) {
                i += 2; // CAST(x AS type)
                continue;
            }
            const qsizetype start = i;
            QStringList left = columnRef(i, end);
            if (left.isEmpty()) {
                ++i;
                continue;
            }
            qsizetype afterLeft = skipCasts(i, end);
            if (afterLeft < end && t[afterLeft].kind == Token::Op
                && t[afterLeft].text == QLatin1String("=") && operandBoundaryBefore(start, begin)) {
                qsizetype r = afterLeft + 1;
                QStringList right = columnRef(r, end);
                const qsizetype afterRight = right.isEmpty() ? r : skipCasts(r, end);
                if (!right.isEmpty() && operandBoundaryAfter(afterRight, end)) {
                    const Binding *lb = resolveColumn(left, scope, false);
                    const Binding *rb = resolveColumn(right, scope, false);
                    if (lb && rb && lb != rb) {
                        SqlJoinPair pair {{lb->table, left.last()}, {rb->table, right.last()}};
                        if (pair.right < pair.left)
                            std::swap(pair.left, pair.right);
                        m_joins.insert(pair);
                        i = afterRight;
                        continue;
                    }
                    // Both sides in one table occurrence: a filter. One side in a
                    // derived table or CTE: a join we cannot place; neither.
                    if (lb && lb == rb) {
                        recordColumn(left, scope, m_filters);
                        recordColumn(right, scope, m_filters);
                    }
                    i = afterRight;
                    continue;
                }
            }
            recordColumn(left, scope, m_filters);
            i = afterLeft;
        }
    }

    // Subqueries anywhere in a range (select list, ORDER BY, function arguments).
    void subqueriesIn(qsizetype begin, qsizetype end, const Scope &scope)
    {
        for (qsizetype i = begin; i < end; ++i) {
            if (t[i].kind != Token::LParen)
                continue;
            const qsizetype close = matching(i, end);
            if (startsQuery(i + 1, close))
                query(i + 1, close, scope);
            else
                subqueriesIn(i + 1, close, scope);
            i = close;
        }
    }

    void groupBy(qsizetype begin, qsizetype end, const Scope &scope)
    {
        qsizetype i = begin;
        while (i < end) {
            if (t[i].kind == Token::LParen) {
                const qsizetype close = matching(i, end);
                if (startsQuery(i + 1, close))
                    query(i + 1, close, scope);
                else
                    groupBy(i + 1, close, scope);
                i = close + 1;
                continue;
            }
            QStringList parts = columnRef(i, end);
            if (parts.isEmpty()) {
                ++i;
                continue;
            }
            recordColumn(parts, scope, m_groupBy, true);
        }
    }

    // An optional alias after a table item: [AS] name [(column aliases)].
    qsizetype alias(qsizetype i, qsizetype end, QString &name) const
    {
        if (i < end && isWord(t[i], "as"))
            ++i;
        if (i < end && isIdent(t[i])
            && !(t[i].kind == Token::Word && fromKeywords().contains(t[i].text))) {
            name = t[i].text;
            ++i;
            if (i < end && t[i].kind == Token::LParen)
                i = matching(i, end) + 1;
        }
        return i;
    }

    void from(qsizetype begin, qsizetype end, Scope &scope,
              QList<std::pair<qsizetype, qsizetype>> &ons)
    {
        qsizetype i = begin;
        while (i < end) {
            const Token &tok = t[i];
            static const QSet<QString> joinWords
                = wordSet("natural inner left right full cross outer join lateral only");
            static const QSet<QString> joinStarts
                = wordSet("join inner left right full cross natural");
            if (tok.kind == Token::Comma
                || (tok.kind == Token::Word && joinWords.contains(tok.text))) {
                ++i;
                continue;
            }
            if (isWord(tok, "on")) {
                qsizetype j = i + 1;
                int depth = 0;
                for (; j < end; ++j) {
                    if (t[j].kind == Token::LParen)
                        ++depth;
                    else if (t[j].kind == Token::RParen)
                        --depth;
                    else if (depth == 0
                             && (t[j].kind == Token::Comma
                                 || (t[j].kind == Token::Word && joinStarts.contains(t[j].text))))
                        break;
                }
                ons << std::make_pair(i + 1, j);
                i = j;
                continue;
            }
            if (isWord(tok, "using") && i + 1 < end && t[i + 1].kind == Token::LParen) {
                const qsizetype close = matching(i + 1, end);
                if (scope.bindings.size() >= 2) {
                    const Binding right = scope.bindings.last();
                    for (qsizetype c = i + 2; c < close; ++c) {
                        if (!isIdent(t[c]))
                            continue;
                        const QString column = t[c].text;
                        // The left side is the nearest earlier table that has the column.
                        const Binding *left = nullptr;
                        for (qsizetype b = scope.bindings.size() - 2; b >= 0 && !left; --b)
                            if (hasColumn(scope.bindings[b], column))
                                left = &scope.bindings[b];
                        if (!left)
                            left = &scope.bindings[scope.bindings.size() - 2];
                        if (left->table.isEmpty() || right.table.isEmpty())
                            continue;
                        SqlJoinPair pair {{left->table, column}, {right.table, column}};
                        if (pair.right < pair.left)
                            std::swap(pair.left, pair.right);
                        m_joins.insert(pair);
                    }
                }
                i = close + 1;
                continue;
            }
            if (isWord(tok, "tablesample")) {
                i += 2; // method
                if (i < end && t[i].kind == Token::LParen)
                    i = matching(i, end) + 1;
                if (i < end && isWord(t[i], "repeatable") && i + 1 < end)
                    i = matching(i + 1, end) + 1;
                continue;
            }
            if (tok.kind == Token::LParen) {
                const qsizetype close = matching(i, end);
                Binding b;
                if (startsQuery(i + 1, close))
                    query(i + 1, close, scope); // a derived table sees the outer scope (LATERAL)
                else
                    from(i + 1, close, scope, ons); // a parenthesised join
                i = alias(close + 1, end, b.alias);
                if (!b.alias.isEmpty())
                    scope.bindings << b;
                continue;
            }
            if (isIdent(tok)) {
                QStringList parts = dotted(i, end);
                Binding b;
                if (i < end && t[i].kind == Token::LParen) {
                    const qsizetype close = matching(i, end);
                    subqueriesIn(i + 1, close, scope); // a set-returning function
                    i = close + 1;
                    if (i < end && isWord(t[i], "with") && i + 1 < end
                        && isWord(t[i + 1], "ordinality"))
                        i += 2;
                    b.alias = parts.last();
                } else {
                    b = resolveTable(parts, scope);
                }
                QString name;
                i = alias(i, end, name);
                if (!name.isEmpty())
                    b.alias = name;
                scope.bindings << b;
                continue;
            }
            ++i;
        }
    }

    // One SELECT block: [SELECT list] FROM ... WHERE ... GROUP BY ... HAVING ...
    void select(qsizetype begin, qsizetype end, const Scope &outer)
    {
        Scope scope;
        scope.outer = &outer;
        // Clauses at depth 0: keyword position and where its body starts.
        struct Clause
        {
            QString name;
            qsizetype keyword;
            qsizetype start;
        };
        QList<Clause> clauses {{QStringLiteral("select"), begin, begin + 1}};
        int depth = 0;
        for (qsizetype i = begin + 1; i < end; ++i) {
            const Token &tok = t[i];
            if (tok.kind == Token::LParen) {
                ++depth;
                continue;
            }
            if (tok.kind == Token::RParen) {
                --depth;
                continue;
            }
            if (depth != 0 || tok.kind != Token::Word)
                continue;
            static const QSet<QString> single
                = wordSet("from where having window limit offset fetch into");
            const bool by = i + 1 < end && isWord(t[i + 1], "by");
            if (single.contains(tok.text)
                || ((tok.text == QLatin1String("group") || tok.text == QLatin1String("order"))
                    && by))
                clauses << Clause {tok.text, i, by ? i + 2 : i + 1};
            else if (tok.text == QLatin1String("for")
                     && clauses.constLast().name != QLatin1String("select"))
                clauses << Clause {tok.text, i, i + 1}; // FOR UPDATE / FOR SHARE
        }
        auto rangeOf = [&](int index) {
            const qsizetype start = clauses[index].start;
            const qsizetype stop = index + 1 < clauses.size() ? clauses[index + 1].keyword : end;
            return std::make_pair(start, std::max(start, stop));
        };
        QList<std::pair<qsizetype, qsizetype>> ons;
        for (int c = 0; c < clauses.size(); ++c) {
            if (clauses[c].name == QLatin1String("from")) {
                const auto [b, e] = rangeOf(c);
                from(b, e, scope, ons);
            } else if (clauses[c].name == QLatin1String("into")) {
                m_modifying = true; // SELECT ... INTO creates a table
            }
        }
        for (const auto &[b, e] : std::as_const(ons))
            predicate(b, e, scope);
        for (int c = 0; c < clauses.size(); ++c) {
            const auto [b, e] = rangeOf(c);
            const QString &name = clauses[c].name;
            if (name == QLatin1String("where") || name == QLatin1String("having"))
                predicate(b, e, scope);
            else if (name == QLatin1String("group"))
                groupBy(b, e, scope);
            else if (name != QLatin1String("from"))
                subqueriesIn(b, e, scope);
        }
    }

public:
    // A query expression: [WITH ...] operand {UNION|INTERSECT|EXCEPT operand}.
    // Returns the first keyword of the main statement.
    QString query(qsizetype begin, qsizetype end, const Scope &outer)
    {
        Scope scope;
        scope.outer = &outer;
        qsizetype i = begin;
        if (i < end && isWord(t[i], "with")) {
            ++i;
            if (i < end && isWord(t[i], "recursive"))
                ++i;
            while (i < end && isIdent(t[i])) {
                scope.ctes.insert(t[i].text);
                ++i;
                if (i < end && t[i].kind == Token::LParen)
                    i = matching(i, end) + 1;
                if (i < end && isWord(t[i], "as"))
                    ++i;
                if (i < end && isWord(t[i], "not"))
                    ++i;
                if (i < end && isWord(t[i], "materialized"))
                    ++i;
                if (i >= end || t[i].kind != Token::LParen)
                    break;
                const qsizetype close = matching(i, end);
                qsizetype inner = i + 1;
                while (inner < close && t[inner].kind == Token::LParen)
                    ++inner;
                static const QSet<QString> writes = wordSet("insert update delete merge");
                if (inner < close && t[inner].kind == Token::Word && writes.contains(t[inner].text))
                    m_modifying = true;
                else
                    query(i + 1, close, scope);
                i = close + 1;
                if (i < end && t[i].kind == Token::Comma)
                    ++i;
                else
                    break;
            }
        }
        qsizetype first = i;
        while (first < end && t[first].kind == Token::LParen)
            ++first;
        const QString kind
            = first < end && t[first].kind == Token::Word ? t[first].text : QString();
        if (kind != QLatin1String("select") && kind != QLatin1String("values")
            && kind != QLatin1String("table"))
            return kind;

        // Operands at depth 0, split by set operators.
        qsizetype start = i;
        int depth = 0;
        auto operand = [&](qsizetype b, qsizetype e) {
            if (b >= e)
                return;
            if (t[b].kind == Token::LParen) {
                const qsizetype close = matching(b, e);
                query(b + 1, close, scope);
                subqueriesIn(close + 1, e, scope); // a trailing ORDER BY / LIMIT
            } else if (isWord(t[b], "select")) {
                select(b, e, scope);
            } else if (isWord(t[b], "table")) {
                qsizetype j = b + 1;
                resolveTable(dotted(j, e), scope);
            }
        };
        for (qsizetype j = i; j < end; ++j) {
            if (t[j].kind == Token::LParen)
                ++depth;
            else if (t[j].kind == Token::RParen)
                --depth;
            else if (depth == 0
                     && (isWord(t[j], "union") || isWord(t[j], "intersect")
                         || isWord(t[j], "except"))) {
                operand(start, j);
                start = j + 1;
                if (start < end && (isWord(t[start], "all") || isWord(t[start], "distinct")))
                    ++start;
            }
        }
        operand(start, end);
        return QStringLiteral("select");
    }

    void finish(SqlTemplateAnalysis &out)
    {
        out.tables = QStringList(m_tables.cbegin(), m_tables.cend());
        out.tables.sort();
        out.unknownTables = QStringList(m_unknown.cbegin(), m_unknown.cend());
        out.unknownTables.sort();
        out.onlySystemTables = !m_tables.isEmpty() && m_system.size() == m_tables.size();
        out.joins = QList<SqlJoinPair>(m_joins.cbegin(), m_joins.cend());
        std::sort(out.joins.begin(), out.joins.end());
        out.filterColumns = QList<SqlColumnUse>(m_filters.cbegin(), m_filters.cend());
        std::sort(out.filterColumns.begin(), out.filterColumns.end());
        out.groupByColumns = QList<SqlColumnUse>(m_groupBy.cbegin(), m_groupBy.cend());
        std::sort(out.groupByColumns.begin(), out.groupByColumns.end());
        if (m_modifying && out.statementKind == QLatin1String("select"))
            out.statementKind = QStringLiteral("other");
    }

    const QList<Token> &tokens() const { return t; }
};

SqlTemplateAnalysis SqlTemplateParser::run()
{
    SqlTemplateAnalysis out;
    qsizetype begin = 0;
    qsizetype end = t.size();
    while (end > 0 && t[end - 1].kind == Token::Semi)
        --end;
    // PREPARE name [(types)] AS <statement>: the statement is what runs.
    if (begin < end && isWord(t[begin], "prepare")) {
        qsizetype i = begin + 1;
        while (i < end && !isWord(t[i], "as"))
            i = t[i].kind == Token::LParen ? matching(i, end) + 1 : i + 1;
        begin = i + 1;
    }
    for (qsizetype i = begin; i < end; ++i) {
        if (t[i].kind == Token::Semi) {
            out.statementKind = QStringLiteral("other"); // several statements in one entry
            return out;
        }
    }
    static const Scope root;
    QString kind = query(begin, end, root);
    static const QStringList ddl
        = {QStringLiteral("create"),   QStringLiteral("alter"), QStringLiteral("drop"),
           QStringLiteral("truncate"), QStringLiteral("grant"), QStringLiteral("revoke"),
           QStringLiteral("comment")};
    static const QStringList dml = {QStringLiteral("insert"), QStringLiteral("update"),
                                    QStringLiteral("delete"), QStringLiteral("merge")};
    if (kind == QLatin1String("select") || dml.contains(kind))
        out.statementKind = kind;
    else if (ddl.contains(kind))
        out.statementKind = QStringLiteral("ddl");
    else
        out.statementKind = QStringLiteral("other");
    finish(out);
    return out;
}

SqlTemplateAnalyzer::SqlTemplateAnalyzer(const QList<SchemaTable> &tables,
                                         const QStringList &searchPath)
    : m_searchPath(searchPath)
{
    for (const SchemaTable &table : tables) {
        KnownTable known;
        known.displayName = table.ref.displayName();
        for (const SchemaColumn &column : table.columns)
            known.columns << column.name;
        const QString schema = table.ref.db.isEmpty() ? QStringLiteral("main") : table.ref.db;
        m_tables.insert(key(schema, table.ref.name), known);
    }
    if (m_searchPath.isEmpty())
        m_searchPath << QStringLiteral("public") << QStringLiteral("main");
}

SqlTemplateAnalysis SqlTemplateAnalyzer::analyze(const QString &sql) const
{
    Lexer lexer(sql);
    if (!lexer.run()) {
        SqlTemplateAnalysis out;
        out.parsed = false;
        out.parseProblem = lexer.problem;
        out.statementKind = QStringLiteral("other");
        return out;
    }
    if (lexer.tokens.isEmpty()) {
        SqlTemplateAnalysis out;
        out.statementKind = QStringLiteral("other");
        return out;
    }
    SqlTemplateParser parser(*this, std::move(lexer.tokens));
    return parser.run();
}

QString SqlTemplateAnalyzer::canonicalSql(const QString &sql)
{
    QString out;
    out.reserve(sql.size());
    qsizetype i = 0;
    bool pendingSpace = false;
    Lexer lexer(sql); // for its comment and literal rules
    while (i < sql.size()) {
        const QChar c = sql.at(i);
        if (c.isSpace()) {
            pendingSpace = true;
            ++i;
            continue;
        }
        const qsizetype before = i;
        if (lexer.skipComment(i)) {
            pendingSpace = true;
            if (i == before)
                ++i;
            continue;
        }
        if (pendingSpace && !out.isEmpty())
            out += QLatin1Char(' ');
        pendingSpace = false;
        if (c == QLatin1Char('\'') || c == QLatin1Char('"')) {
            qsizetype j = i + 1;
            while (j < sql.size()) {
                if (sql.at(j) == c) {
                    if (j + 1 < sql.size() && sql.at(j + 1) == c) {
                        j += 2;
                        continue;
                    }
                    break;
                }
                ++j;
            }
            out += sql.mid(i, j - i + 1);
            i = j + 1;
            continue;
        }
        if (c == QLatin1Char('$') && i + 1 < sql.size() && !sql.at(i + 1).isDigit()) {
            qsizetype j = i + 1;
            while (j < sql.size() && isIdentPart(sql.at(j)) && sql.at(j) != QLatin1Char('$'))
                ++j;
            if (j < sql.size() && sql.at(j) == QLatin1Char('$')) {
                const QString tag = sql.mid(i, j - i + 1);
                const qsizetype close = sql.indexOf(tag, j + 1);
                const qsizetype stop = close < 0 ? sql.size() : close + tag.size();
                out += sql.mid(i, stop - i);
                i = stop;
                continue;
            }
        }
        out += c;
        ++i;
    }
    while (out.endsWith(QLatin1Char(';')) || out.endsWith(QLatin1Char(' ')))
        out.chop(1);
    return out;
}

bool SqlTemplateAnalyzer::isKtxStatement(const QString &sql)
{
    const QString marker = DatabaseSession::statementMarker();
    const QString text = sql.trimmed();
    if (text.startsWith(marker))
        return true;
    static const QRegularExpression prepared(
        QStringLiteral("^prepare\\s+[^\\s(]+\\s*(\\([^)]*\\))?\\s*as\\s+"),
        QRegularExpression::CaseInsensitiveOption);
    const QRegularExpressionMatch m = prepared.match(text);
    return m.hasMatch() && QStringView(text).mid(m.capturedEnd()).startsWith(marker);
}

} // namespace ktx
