#include "semantic/sqlexpression.h"

#include <QHash>

namespace ktx {

namespace {

bool inSet(const QString &lower, std::initializer_list<const char *> words)
{
    for (const char *w : words) {
        if (lower == QLatin1String(w))
            return true;
    }
    return false;
}

// Words that are never a column when they stand alone (a quoted identifier or a
// following "." makes them one).
bool isReservedWord(const QString &lower)
{
    static const QSet<QString> words = [] {
        QSet<QString> s;
        for (const char *w : {"select",
                              "from",
                              "where",
                              "group",
                              "order",
                              "by",
                              "having",
                              "limit",
                              "join",
                              "on",
                              "as",
                              "and",
                              "or",
                              "not",
                              "in",
                              "is",
                              "null",
                              "true",
                              "false",
                              "between",
                              "like",
                              "ilike",
                              "rlike",
                              "regexp",
                              "glob",
                              "similar",
                              "escape",
                              "case",
                              "when",
                              "then",
                              "else",
                              "end",
                              "distinct",
                              "all",
                              "any",
                              "some",
                              "exists",
                              "union",
                              "intersect",
                              "except",
                              "with",
                              "interval",
                              "over",
                              "filter",
                              "within",
                              "partition",
                              "asc",
                              "desc",
                              "nulls",
                              "collate",
                              "unknown",
                              "isnull",
                              "notnull",
                              "cross",
                              "inner",
                              "left",
                              "right",
                              "full",
                              "outer",
                              "using",
                              "natural",
                              "offset",
                              "fetch",
                              "into",
                              "values",
                              "xor",
                              "current_date",
                              "current_timestamp",
                              "current_time",
                              "localtime",
                              "localtimestamp",
                              "sysdate",
                              "div"})
            s.insert(QString::fromLatin1(w));
        return s;
    }();
    return words.contains(lower);
}

// A word before "(" that does not make the parenthesis a function call.
bool isNonCallWord(const QString &lower)
{
    return inSet(lower, {"and",       "or",     "not",     "in",       "then",     "when",
                         "else",      "case",   "as",      "on",       "exists",   "over",
                         "filter",    "within", "by",      "select",   "where",    "is",
                         "like",      "ilike",  "between", "interval", "distinct", "from",
                         "partition", "all",    "any",     "some",     "values",   "using",
                         "join",      "with",   "having",  "union",    "except",   "intersect"});
}

bool isDatePart(const QString &lower)
{
    return inSet(lower,
                 {"year",   "years",   "quarter",     "month",        "months",      "week",
                  "weeks",  "isoweek", "day",         "days",         "dayofweek",   "dayofyear",
                  "dow",    "doy",     "hour",        "hours",        "minute",      "minutes",
                  "second", "seconds", "millisecond", "milliseconds", "microsecond", "microseconds",
                  "epoch",  "isodow",  "isoyear",     "date",         "time",        "datetime",
                  "weekday"});
}

bool isDateFunction(const QString &lower)
{
    return inSet(lower, {"extract",        "date_trunc",    "datetime_trunc", "timestamp_trunc",
                         "time_trunc",     "date_diff",     "datediff",       "datetime_diff",
                         "timestamp_diff", "timestampdiff", "dateadd",        "date_add",
                         "date_sub",       "datetime_add",  "datetime_sub",   "timestamp_add",
                         "timestamp_sub",  "timestampadd",  "last_day",       "date_part",
                         "datepart",       "time_add",      "time_sub",       "time_diff"});
}

bool isCastFunction(const QString &lower)
{
    return inSet(lower, {"cast", "try_cast", "safe_cast", "convert"});
}

QString unquote(const SqlExpression::Token &token)
{
    if (token.kind != SqlExpression::Token::QuotedIdentifier || token.text.size() < 2)
        return token.text;
    const QChar q = token.text.front();
    QString inner = token.text.mid(1, token.text.size() - 2);
    inner.replace(QString(2, q), QString(q));
    return inner;
}

bool isIdentifierStart(QChar c)
{
    return c.isLetter() || c == QLatin1Char('_');
}

bool isIdentifierPart(QChar c)
{
    return c.isLetterOrNumber() || c == QLatin1Char('_') || c == QLatin1Char('$');
}

} // namespace

bool SqlExpression::isAggregateFunction(const QString &lowerName)
{
    static const QSet<QString> names = [] {
        QSet<QString> s;
        for (const char *w : {"sum",
                              "avg",
                              "count",
                              "count_distinct",
                              "min",
                              "max",
                              "median",
                              "percentile",
                              "stddev",
                              "stddev_pop",
                              "stddev_samp",
                              "variance",
                              "var_pop",
                              "var_samp",
                              "array_agg",
                              "string_agg",
                              "group_concat",
                              "listagg",
                              "approx_count_distinct",
                              "approx_distinct",
                              "approx_percentile",
                              "approx_quantiles",
                              "any_value",
                              "bool_and",
                              "bool_or",
                              "every",
                              "corr",
                              "covar_pop",
                              "covar_samp",
                              "percentile_cont",
                              "percentile_disc",
                              "mode",
                              "countif",
                              "count_if",
                              "logical_and",
                              "logical_or",
                              "bit_and",
                              "bit_or",
                              "bit_xor",
                              "arbitrary",
                              "kurtosis",
                              "skewness",
                              "json_agg",
                              "jsonb_agg",
                              "json_object_agg",
                              "jsonb_object_agg",
                              "xmlagg",
                              "array_union_agg",
                              "regr_slope",
                              "regr_intercept",
                              "regr_count",
                              "regr_r2"})
            s.insert(QString::fromLatin1(w));
        return s;
    }();
    return names.contains(lowerName);
}

SqlExpression::SqlExpression(const QString &text, const QString &dialect)
    : m_text(text)
    , m_dialect(dialect)
{
    tokenize();
    analyze();
}

void SqlExpression::tokenize()
{
    const QString &s = m_text;
    const qsizetype n = s.size();
    const bool doubleQuoteIsString
        = m_dialect == QLatin1String("mysql") || m_dialect == QLatin1String("bigquery");
    qsizetype i = 0;
    const auto push = [this, &s](Token::Kind kind, qsizetype from, qsizetype to) {
        m_tokens.append(Token {kind, s.mid(from, to - from)});
    };
    while (i < n) {
        const QChar c = s[i];
        const QChar next = i + 1 < n ? s[i + 1] : QChar();
        const qsizetype start = i;
        if (c.isSpace()) {
            while (i < n && s[i].isSpace())
                ++i;
            push(Token::Space, start, i);
        } else if (c == QLatin1Char('-') && next == QLatin1Char('-')) {
            while (i < n && s[i] != QLatin1Char('\n'))
                ++i;
            push(Token::Comment, start, i);
        } else if (c == QLatin1Char('/') && next == QLatin1Char('*')) {
            i += 2;
            while (i < n
                   && !(s[i] == QLatin1Char('*') && i + 1 < n && s[i + 1] == QLatin1Char('/')))
                ++i;
            i = qMin(n, i + 2);
            push(Token::Comment, start, i);
        } else if (c == QLatin1Char('\'') || (c == QLatin1Char('"') && doubleQuoteIsString)) {
            ++i;
            while (i < n) {
                if (s[i] == QLatin1Char('\\') && doubleQuoteIsString) {
                    i += 2;
                    continue;
                }
                if (s[i] == c) {
                    if (i + 1 < n && s[i + 1] == c) {
                        i += 2;
                        continue;
                    }
                    ++i;
                    break;
                }
                ++i;
            }
            push(Token::String, start, qMin(i, n));
        } else if (c == QLatin1Char('"') || c == QLatin1Char('`')) {
            ++i;
            while (i < n) {
                if (s[i] == c) {
                    if (i + 1 < n && s[i + 1] == c) {
                        i += 2;
                        continue;
                    }
                    ++i;
                    break;
                }
                ++i;
            }
            push(Token::QuotedIdentifier, start, qMin(i, n));
        } else if (c.isDigit() || (c == QLatin1Char('.') && next.isDigit())) {
            while (i < n && (s[i].isDigit() || s[i] == QLatin1Char('.')))
                ++i;
            if (i < n && (s[i] == QLatin1Char('e') || s[i] == QLatin1Char('E'))) {
                qsizetype j = i + 1;
                if (j < n && (s[j] == QLatin1Char('+') || s[j] == QLatin1Char('-')))
                    ++j;
                if (j < n && s[j].isDigit()) {
                    i = j;
                    while (i < n && s[i].isDigit())
                        ++i;
                }
            }
            push(Token::Number, start, i);
        } else if (isIdentifierStart(c)) {
            while (i < n && isIdentifierPart(s[i]))
                ++i;
            push(Token::Word, start, i);
        } else {
            static const char *const multi[]
                = {"<=>", "->>", "::", "<>", "!=", "<=", ">=", "||", "->", "=>"};
            qsizetype len = 1;
            for (const char *op : multi) {
                const qsizetype l = qsizetype(qstrlen(op));
                if (s.mid(i, l) == QLatin1String(op)) {
                    len = l;
                    break;
                }
            }
            i += len;
            push(Token::Punct, start, i);
        }
    }
    m_position.fill(-1, m_tokens.size());
    for (int t = 0; t < m_tokens.size(); ++t) {
        if (m_tokens[t].kind != Token::Space && m_tokens[t].kind != Token::Comment) {
            m_position[t] = int(m_significant.size());
            m_significant.append(t);
        }
    }
}

int SqlExpression::nextSignificant(int tokenIndex) const
{
    const int p = m_position.value(tokenIndex, -1);
    if (p < 0 || p + 1 >= m_significant.size())
        return -1;
    return m_significant[p + 1];
}

int SqlExpression::prevSignificant(int tokenIndex) const
{
    const int p = m_position.value(tokenIndex, -1);
    if (p <= 0)
        return -1;
    return m_significant[p - 1];
}

bool SqlExpression::isKeyword(int tokenIndex, const char *keyword) const
{
    if (tokenIndex < 0 || tokenIndex >= m_tokens.size())
        return false;
    const Token &t = m_tokens[tokenIndex];
    return t.kind == Token::Word
        && t.text.compare(QLatin1String(keyword), Qt::CaseInsensitive) == 0;
}

void SqlExpression::analyze()
{
    struct Frame
    {
        int callIndex = -1;
        bool subquery = false;
        int argStart = -1; // significant position of the current argument's first token
        bool castAfterAs = false;
    };
    QList<Frame> stack;
    const auto punct = [this](int t, const char *p) {
        return t >= 0 && m_tokens[t].kind == Token::Punct && m_tokens[t].text == QLatin1String(p);
    };
    const auto lower = [this](int t) {
        return m_tokens[t].text.toLower();
    };
    const auto insideSubquery = [&stack] {
        for (const Frame &f : stack) {
            if (f.subquery)
                return true;
        }
        return false;
    };
    const auto closeArgument = [this](Frame &f, int endPos) {
        if (f.callIndex < 0 || f.argStart < 0 || f.argStart > endPos)
            return;
        m_calls[f.callIndex].arguments.append({m_significant[f.argStart], m_significant[endPos]});
    };

    const int count = int(m_significant.size());
    for (int p = 0; p < count; ++p) {
        const int t = m_significant[p];
        const Token &token = m_tokens[t];
        if (token.kind == Token::Punct) {
            if (token.text == QLatin1String("(")) {
                Frame frame;
                const int prev = p > 0 ? m_significant[p - 1] : -1;
                const int next = p + 1 < count ? m_significant[p + 1] : -1;
                frame.subquery = isKeyword(next, "select") || isKeyword(next, "with");
                if (prev >= 0
                    && (m_tokens[prev].kind == Token::Word
                        || m_tokens[prev].kind == Token::QuotedIdentifier)
                    && !(m_tokens[prev].kind == Token::Word && isNonCallWord(lower(prev)))) {
                    FunctionCall call;
                    call.name = unquote(m_tokens[prev]).toLower();
                    call.nameToken = prev;
                    call.openToken = t;
                    call.aggregate = isAggregateFunction(call.name);
                    call.insideSubquery = insideSubquery() || frame.subquery;
                    call.distinct = isKeyword(next, "distinct");
                    frame.callIndex = int(m_calls.size());
                    m_calls.append(call);
                }
                frame.argStart = p + 1;
                stack.append(frame);
            } else if (token.text == QLatin1String(")")) {
                if (!stack.isEmpty()) {
                    Frame frame = stack.takeLast();
                    if (frame.callIndex >= 0) {
                        closeArgument(frame, p - 1);
                        m_calls[frame.callIndex].closeToken = t;
                    }
                }
            } else if (token.text == QLatin1String(",")) {
                if (!stack.isEmpty() && stack.last().callIndex >= 0) {
                    closeArgument(stack.last(), p - 1);
                    stack.last().argStart = p + 1;
                }
            }
            continue;
        }
        if (token.kind != Token::Word && token.kind != Token::QuotedIdentifier)
            continue;
        const QString word = token.kind == Token::Word ? token.text.toLower() : QString();
        if (token.kind == Token::Word && word == QLatin1String("over")) {
            const int next = nextSignificant(t);
            if (punct(next, "(") || (next >= 0 && m_tokens[next].kind == Token::Word))
                m_window = true;
        }
        if (token.kind == Token::Word && word == QLatin1String("as") && !stack.isEmpty()
            && stack.last().callIndex >= 0 && isCastFunction(m_calls[stack.last().callIndex].name))
            stack.last().castAfterAs = true;

        // A chain of identifiers joined by ".": schema.table.column.
        QList<int> parts {t};
        int q = p;
        while (q + 2 < count && punct(m_significant[q + 1], ".")
               && (m_tokens[m_significant[q + 2]].kind == Token::Word
                   || m_tokens[m_significant[q + 2]].kind == Token::QuotedIdentifier)) {
            q += 2;
            parts.append(m_significant[q]);
        }
        const int after = q + 1 < count ? m_significant[q + 1] : -1;
        const int prev = p > 0 ? m_significant[p - 1] : -1;
        const bool callName = punct(after, "(");
        const bool star = punct(after, ".");
        const bool afterDot = punct(prev, ".");
        p = q; // the chain is consumed either way
        if (callName || star || afterDot)
            continue;
        if (parts.size() == 1 && token.kind == Token::Word) {
            if (isReservedWord(word))
                continue;
            if (after >= 0 && m_tokens[after].kind == Token::String
                && inSet(word,
                         {"date", "timestamp", "time", "timestamptz", "datetime", "interval"}))
                continue;
            const int prev2 = prevSignificant(prev);
            if (punct(prev, "::")
                || (prev >= 0 && m_tokens[prev].kind == Token::Word && punct(prev2, "::")))
                continue;
            if (!stack.isEmpty() && stack.last().castAfterAs)
                continue;
            if (word == QLatin1String("at") && isKeyword(after, "time"))
                continue;
            if (word == QLatin1String("time") && isKeyword(prev, "at"))
                continue;
            if (word == QLatin1String("zone") && isKeyword(prev, "time"))
                continue;
            if (isDatePart(word)) {
                const bool afterIntervalValue = prev >= 0
                    && (m_tokens[prev].kind == Token::Number
                        || m_tokens[prev].kind == Token::String)
                    && isKeyword(prev2, "interval");
                const bool dateArgument = !stack.isEmpty() && stack.last().callIndex >= 0
                    && isDateFunction(m_calls[stack.last().callIndex].name)
                    && (punct(prev, "(") || punct(prev, ","))
                    && (punct(after, ")") || punct(after, ",") || isKeyword(after, "from"));
                if (afterIntervalValue || dateArgument)
                    continue;
            }
        } else if (parts.size() == 1 && token.kind == Token::QuotedIdentifier) {
            if (!stack.isEmpty() && stack.last().castAfterAs)
                continue;
        }
        ColumnRef ref;
        ref.name = unquote(m_tokens[parts.last()]);
        if (parts.size() >= 2)
            ref.qualifier = unquote(m_tokens[parts[parts.size() - 2]]);
        ref.firstToken = parts.first();
        ref.lastToken = parts.last();
        m_refs.append(ref);
    }
}

QSet<QString> SqlExpression::qualifiers() const
{
    QSet<QString> out;
    for (const ColumnRef &r : m_refs) {
        if (!r.qualifier.isEmpty())
            out.insert(r.qualifier);
    }
    return out;
}

QSet<QString> SqlExpression::qualifiedRefs() const
{
    QSet<QString> out;
    for (const ColumnRef &r : m_refs) {
        if (!r.qualifier.isEmpty())
            out.insert(r.ref());
    }
    return out;
}

QSet<QString> SqlExpression::bareNames() const
{
    QSet<QString> out;
    for (const ColumnRef &r : m_refs) {
        if (r.qualifier.isEmpty())
            out.insert(r.name);
    }
    return out;
}

bool SqlExpression::isAggregate() const
{
    for (const FunctionCall &c : m_calls) {
        if (c.aggregate && !c.insideSubquery)
            return true;
    }
    return false;
}

bool SqlExpression::hasWindowFunction() const
{
    return m_window;
}

bool SqlExpression::hasNestedAggregate() const
{
    for (const FunctionCall &outer : m_calls) {
        if (!outer.aggregate || outer.insideSubquery)
            continue;
        for (const FunctionCall &inner : m_calls) {
            if (&inner == &outer || !inner.aggregate || inner.insideSubquery)
                continue;
            if (inner.nameToken > outer.openToken && inner.nameToken < outer.closeToken)
                return true;
        }
    }
    return false;
}

std::optional<SqlExpression::ColumnRef> SqlExpression::singleReference() const
{
    if (m_refs.size() != 1 || m_significant.isEmpty())
        return std::nullopt;
    const ColumnRef &r = m_refs.first();
    if (m_significant.first() != r.firstToken || m_significant.last() != r.lastToken)
        return std::nullopt;
    return r;
}

bool SqlExpression::isAtomic() const
{
    if (m_significant.isEmpty())
        return true;
    if (m_significant.size() == 1)
        return true;
    if (singleReference())
        return true;
    const int first = m_significant.first();
    const int last = m_significant.last();
    for (const FunctionCall &c : m_calls) {
        // A call (possibly schema-qualified) spanning the whole text.
        if (c.closeToken == last) {
            int start = c.nameToken;
            int prev = prevSignificant(start);
            while (prev >= 0 && m_tokens[prev].text == QLatin1String(".")) {
                start = prevSignificant(prev);
                prev = prevSignificant(start);
            }
            if (start == first)
                return true;
        }
    }
    if (m_tokens[first].text == QLatin1String("(")) {
        int depth = 0;
        for (int p = 0; p < m_significant.size(); ++p) {
            const QString &text = m_tokens[m_significant[p]].text;
            if (m_tokens[m_significant[p]].kind != Token::Punct)
                continue;
            if (text == QLatin1String("("))
                ++depth;
            else if (text == QLatin1String(")") && --depth == 0)
                return m_significant[p] == last;
        }
    }
    return false;
}

QStringList SqlExpression::splitTopLevel(const QString &keyword) const
{
    QStringList parts;
    int depth = 0;
    int caseDepth = 0;
    bool betweenPending = false;
    int start = 0; // token index
    const bool splitOnAnd = keyword.compare(QLatin1String("and"), Qt::CaseInsensitive) == 0;
    for (int t = 0; t < m_tokens.size(); ++t) {
        const Token &token = m_tokens[t];
        if (token.kind == Token::Punct) {
            if (token.text == QLatin1String("("))
                ++depth;
            else if (token.text == QLatin1String(")"))
                --depth;
            continue;
        }
        if (token.kind != Token::Word || depth != 0)
            continue;
        if (isKeyword(t, "case")) {
            ++caseDepth;
        } else if (isKeyword(t, "end") && caseDepth > 0) {
            --caseDepth;
        } else if (caseDepth == 0 && isKeyword(t, "between")) {
            betweenPending = true;
        } else if (caseDepth == 0 && token.text.compare(keyword, Qt::CaseInsensitive) == 0) {
            if (splitOnAnd && betweenPending) {
                betweenPending = false;
                continue;
            }
            const QString part = textOf(start, t - 1).trimmed();
            if (!part.isEmpty())
                parts << part;
            start = t + 1;
        }
    }
    const QString tail = textOf(start, int(m_tokens.size()) - 1).trimmed();
    if (!tail.isEmpty())
        parts << tail;
    return parts;
}

QSet<QString> SqlExpression::divisorNames() const
{
    QHash<int, int> refAt;
    for (int i = 0; i < m_refs.size(); ++i)
        refAt.insert(m_refs[i].firstToken, i);
    QSet<QString> out;
    for (int p = 0; p + 1 < m_significant.size(); ++p) {
        const Token &token = m_tokens[m_significant[p]];
        if (token.kind != Token::Punct || token.text != QLatin1String("/"))
            continue;
        const auto it = refAt.constFind(m_significant[p + 1]);
        if (it == refAt.cend())
            continue;
        const ColumnRef &ref = m_refs[*it];
        if (ref.qualifier.isEmpty())
            out.insert(ref.name);
    }
    return out;
}

QString SqlExpression::textOf(int firstToken, int lastToken) const
{
    QString out;
    for (int t = qMax(0, firstToken); t <= lastToken && t < m_tokens.size(); ++t)
        out += m_tokens[t].text;
    return out;
}

QString SqlExpression::rewriteRefs(const RefReplacer &replace) const
{
    QHash<int, int> refAt;
    for (int i = 0; i < m_refs.size(); ++i)
        refAt.insert(m_refs[i].firstToken, i);
    QString out;
    out.reserve(m_text.size() + 16);
    for (int t = 0; t < m_tokens.size(); ++t) {
        const auto it = refAt.constFind(t);
        if (it != refAt.cend()) {
            const ColumnRef &ref = m_refs[*it];
            if (const std::optional<QString> replacement = replace(ref)) {
                out += *replacement;
                t = ref.lastToken;
                continue;
            }
        }
        out += m_tokens[t].text;
    }
    return out;
}

QString SqlExpression::rewriteAggregates(
    const std::function<std::optional<QString>(const FunctionCall &, const QString &)> &replace)
    const
{
    QHash<int, int> callAt;
    for (int i = 0; i < m_calls.size(); ++i) {
        const FunctionCall &c = m_calls[i];
        if (!c.aggregate || c.insideSubquery || c.closeToken <= c.openToken)
            continue;
        callAt.insert(c.nameToken, i);
    }
    QString out;
    for (int t = 0; t < m_tokens.size(); ++t) {
        const auto it = callAt.constFind(t);
        if (it != callAt.cend()) {
            const FunctionCall &call = m_calls[*it];
            if (const std::optional<QString> replacement
                = replace(call, textOf(call.nameToken, call.closeToken))) {
                out += *replacement;
                t = call.closeToken;
                continue;
            }
        }
        out += m_tokens[t].text;
    }
    return out;
}

} // namespace ktx
