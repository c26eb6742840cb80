#include "models/worddiff.h"

#include <QStringView>

#include <vector>

namespace ktx {

namespace {

enum class TokenKind { Word, Space, Mark };

TokenKind kindOf(QChar c)
{
    if (c.isLetterOrNumber() || c == QLatin1Char('_'))
        return TokenKind::Word;
    if (c.isSpace())
        return TokenKind::Space;
    return TokenKind::Mark;
}

// Appends a range, merging it with the previous one when they touch, so a
// changed phrase is one highlight instead of a stripe per word.
void addRange(QList<WordDiff::Range> &ranges, int start, int length)
{
    if (!ranges.isEmpty() && ranges.last().start + ranges.last().length == start)
        ranges.last().length += length;
    else
        ranges.append({start, length});
}

// "Number of rows" replaced by "Orders placed" reads as one changed phrase,
// not three words with unchanged spaces between them.
void mergeAcrossSpaces(QList<WordDiff::Range> &ranges, const QString &line)
{
    for (qsizetype i = ranges.size() - 1; i > 0; --i) {
        const int gapStart = ranges.at(i - 1).start + ranges.at(i - 1).length;
        const QStringView gap = QStringView(line).mid(gapStart, ranges.at(i).start - gapStart);
        if (!gap.trimmed().isEmpty())
            continue;
        ranges[i - 1].length = ranges.at(i).start + ranges.at(i).length - ranges.at(i - 1).start;
        ranges.removeAt(i);
    }
}

} // namespace

QList<WordDiff::Range> WordDiff::tokenize(const QString &line)
{
    QList<Range> tokens;
    int i = 0;
    while (i < line.size()) {
        const TokenKind kind = kindOf(line.at(i));
        int j = i + 1;
        if (kind != TokenKind::Mark)
            while (j < line.size() && kindOf(line.at(j)) == kind)
                ++j;
        tokens.append({i, j - i});
        i = j;
    }
    return tokens;
}

WordDiff::Result WordDiff::compare(const QString &oldLine, const QString &newLine)
{
    Result result;
    if (oldLine == newLine)
        return result;
    const QList<Range> a = tokenize(oldLine);
    const QList<Range> b = tokenize(newLine);
    if (a.size() > MaxTokens || b.size() > MaxTokens) {
        if (!oldLine.isEmpty())
            result.oldRanges.append({0, int(oldLine.size())});
        if (!newLine.isEmpty())
            result.newRanges.append({0, int(newLine.size())});
        return result;
    }
    const auto tokenA = [&](int i) {
        return QStringView(oldLine).mid(a.at(i).start, a.at(i).length);
    };
    const auto tokenB = [&](int j) {
        return QStringView(newLine).mid(b.at(j).start, b.at(j).length);
    };
    const int n = int(a.size()), m = int(b.size());
    // lcs[i][j]: common tokens of a[i..] and b[j..].
    std::vector<int> lcs(size_t(n + 1) * size_t(m + 1), 0);
    const auto at = [&](int i, int j) -> int & {
        return lcs[size_t(i) * size_t(m + 1) + size_t(j)];
    };
    for (int i = n - 1; i >= 0; --i)
        for (int j = m - 1; j >= 0; --j)
            at(i, j) = tokenA(i) == tokenB(j) ? at(i + 1, j + 1) + 1
                                              : std::max(at(i + 1, j), at(i, j + 1));
    int i = 0, j = 0;
    while (i < n || j < m) {
        if (i < n && j < m && tokenA(i) == tokenB(j)) {
            ++i;
            ++j;
        } else if (j >= m || (i < n && at(i + 1, j) >= at(i, j + 1))) {
            addRange(result.oldRanges, a.at(i).start, a.at(i).length);
            ++i;
        } else {
            addRange(result.newRanges, b.at(j).start, b.at(j).length);
            ++j;
        }
    }
    mergeAcrossSpaces(result.oldRanges, oldLine);
    mergeAcrossSpaces(result.newRanges, newLine);
    return result;
}

} // namespace ktx
