#pragma once

#include <QList>
#include <QString>

namespace ktx {

// Word-level changes inside a modified line pair: the line is split into
// words, runs of white space and single punctuation marks, and the longest
// common subsequence of those tokens marks what stayed; everything else is a
// changed range. Lines with too many tokens for a quick LCS are changed whole.
class WordDiff
{
public:
    struct Range
    {
        int start = 0;
        int length = 0;
        bool operator==(const Range &o) const { return start == o.start && length == o.length; }
    };
    struct Result
    {
        QList<Range> oldRanges; // changed ranges in the old line
        QList<Range> newRanges; // changed ranges in the new line
    };

    static constexpr int MaxTokens = 400;

    static Result compare(const QString &oldLine, const QString &newLine);
    static QList<Range> tokenize(const QString &line);
};

} // namespace ktx
