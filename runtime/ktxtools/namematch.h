#pragma once

#include <QString>

namespace ktx {

// How close a name an agent typed is to a real one, for "did you mean"
// candidates in tool errors.
class NameMatch
{
public:
    // Levenshtein distance (insertions, deletions, substitutions).
    static int distance(const QString &a, const QString &b);
    // Close enough to offer: contained in one another, or few edits apart
    // relative to the length.
    static bool similar(const QString &typed, const QString &candidate);
};

} // namespace ktx
