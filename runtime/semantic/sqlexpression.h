#pragma once

#include <QList>
#include <QSet>
#include <QString>
#include <QStringList>

#include <functional>
#include <optional>

namespace ktx {

// One user-written SQL fragment from a source or a query: a measure `expr`, a
// filter, a segment, a computed column or a join `on`. The fragment is tokenized
// (never re-printed from a tree), so everything the planner does not touch keeps
// its exact text and its native dialect: a BigQuery `INTERVAL 30 DAY` or a
// Snowflake `DATEADD` passes through unchanged. The analysis is what the planner
// needs: column references, aggregate and window calls, top-level AND/OR.
class SqlExpression
{
public:
    struct Token
    {
        enum Kind { Word, QuotedIdentifier, String, Number, Punct, Space, Comment };
        Kind kind = Punct;
        QString text;
    };

    // `orders.amount` (qualifier "orders") or a bare `amount`. Tokens are indexes
    // into tokens(), inclusive.
    struct ColumnRef
    {
        QString qualifier;
        QString name;
        int firstToken = 0;
        int lastToken = 0;
        QString ref() const
        {
            return qualifier.isEmpty() ? name : QString(qualifier + QLatin1Char('.') + name);
        }
    };

    struct FunctionCall
    {
        QString name; // lower case, last part of a qualified name
        int nameToken = 0;
        int openToken = 0; // "("
        int closeToken = 0; // ")"
        QList<QPair<int, int>> arguments; // token ranges, inclusive, without the commas
        bool aggregate = false;
        bool insideSubquery = false;
        bool distinct = false; // COUNT(DISTINCT ...)
    };

    // The dialect only decides what double quotes mean: an identifier in most
    // databases, a string in MySQL and BigQuery.
    explicit SqlExpression(const QString &text, const QString &dialect = {});

    const QString &text() const { return m_text; }
    bool isEmpty() const { return m_significant.isEmpty(); }
    const QList<Token> &tokens() const { return m_tokens; }
    const QList<ColumnRef> &columnRefs() const { return m_refs; }
    const QList<FunctionCall> &calls() const { return m_calls; }

    QSet<QString> qualifiers() const; // sources referenced as `source.column`
    QSet<QString> qualifiedRefs() const; // "source.column"
    QSet<QString> bareNames() const; // unqualified identifiers
    bool isAggregate() const; // an aggregate call outside any subquery
    bool hasWindowFunction() const;
    // The text of an aggregate nested in another aggregate, or empty.
    bool hasNestedAggregate() const;
    // Exactly one column reference and nothing else (`orders.revenue`, `revenue`).
    std::optional<ColumnRef> singleReference() const;
    // One identifier, one call or one parenthesized group: safe to splice into
    // a larger expression without parentheses.
    bool isAtomic() const;

    // Splits on a top-level keyword (AND / OR), outside parentheses, CASE and
    // BETWEEN; parts are trimmed original text. One part when there is none.
    QStringList splitTopLevel(const QString &keyword) const;
    // Bare names used directly as the right operand of "/".
    QSet<QString> divisorNames() const;

    using RefReplacer = std::function<std::optional<QString>(const ColumnRef &)>;
    // The text with each column reference replaced where `replace` returns text.
    QString rewriteRefs(const RefReplacer &replace) const;
    // The text with each outermost aggregate call replaced where `replace`
    // returns text (the callback sees the call and its own text).
    QString rewriteAggregates(
        const std::function<std::optional<QString>(const FunctionCall &, const QString &)> &replace)
        const;
    // Original text of a token range (inclusive).
    QString textOf(int firstToken, int lastToken) const;

    static bool isAggregateFunction(const QString &lowerName);

private:
    void tokenize();
    void analyze();
    int nextSignificant(int tokenIndex) const; // token index, or -1
    int prevSignificant(int tokenIndex) const;
    bool isKeyword(int tokenIndex, const char *keyword) const;

    QString m_text;
    QString m_dialect;
    QList<Token> m_tokens;
    QList<int> m_significant; // indexes of non-space, non-comment tokens
    QList<int> m_position; // token index -> position in m_significant, or -1
    QList<ColumnRef> m_refs;
    QList<FunctionCall> m_calls;
    bool m_window = false;
};

} // namespace ktx
