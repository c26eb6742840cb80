#pragma once

#include <QString>
#include <QStringList>

namespace ktx {

// What a user typed, turned into terms no query language can misread. Terms are
// runs of letters and digits (lower-cased, Unicode-aware), so quotes, `-`, `*`,
// `:`, parentheses and FTS5 keywords (AND, OR, NOT, NEAR) are never syntax: each
// term is double-quoted before it reaches MATCH.
class SearchTerms
{
public:
    static constexpr int MaxTerms = 32;

    // Distinct terms in the order typed. Common English words are dropped when
    // anything else is left ("revenue by region" searches revenue and region).
    static QStringList parse(const QString &text);

    // FTS5 MATCH expressions: any term ("a" OR "b"), and any term as a prefix
    // ("a"* OR "b"*). Empty when there are no terms.
    static QString matchAny(const QStringList &terms);
    static QString matchAnyPrefix(const QStringList &terms);

    // How many of the terms occur in `lowerText` (already lower-cased).
    static int countContained(const QStringList &terms, const QString &lowerText);
};

} // namespace ktx
