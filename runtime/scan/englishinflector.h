#pragma once

#include <QString>

namespace ktx {

// Just enough English inflection to match column names against table names
// ("categories" -> "category", "addresses" -> "address", "people" -> "person").
// Works on one lower-case word; identifier helpers inflect only the last token of
// a snake_case name ("product_categories" -> "product_category").
class EnglishInflector
{
public:
    static QString singular(const QString &word);
    static QString plural(const QString &word);

    // Inflects the last '_'-separated token of a snake_case identifier.
    static QString singularIdentifier(const QString &identifier);
    static QString pluralIdentifier(const QString &identifier);
};

} // namespace ktx
