#include "difflexer.h"

#include <QRegularExpression>

#include <algorithm>

namespace ktx {

namespace {

// 0: between hunks. 1: inside a hunk whose size is unknown (combined diffs, huge hunks), which
// ends at the first line that is not ' ', '+', '-' or '\'. 2 + (old << 9 | new): inside a hunk
// with that many old and new lines still to come; 9 bits each keeps the state small enough to
// nest inside MarkdownLexer's.
constexpr int Outside = 0;
constexpr int UnknownSize = 1;
constexpr int CountBits = 9;
constexpr int MaxCount = (1 << CountBits) - 1;

int hunkState(int oldLines, int newLines)
{
    if (oldLines <= 0 && newLines <= 0)
        return Outside;
    if (oldLines > MaxCount || newLines > MaxCount)
        return UnknownSize;
    return 2 + (oldLines << CountBits | newLines);
}

bool isFileHeader(QStringView line)
{
    static const char16_t *const prefixes[] = {u"diff ",
                                               u"index ",
                                               u"--- ",
                                               u"+++ ",
                                               u"---\t",
                                               u"+++\t",
                                               u"new file mode",
                                               u"deleted file mode",
                                               u"old mode",
                                               u"new mode",
                                               u"similarity index",
                                               u"dissimilarity index",
                                               u"rename from",
                                               u"rename to",
                                               u"copy from",
                                               u"copy to",
                                               u"Binary files ",
                                               u"Only in "};
    for (const char16_t *prefix : prefixes) {
        if (line.startsWith(QStringView(prefix)))
            return true;
    }
    return false;
}

int lexHunkHeader(QStringView line, QList<TokenSpan> &spans)
{
    static const QRegularExpression header(
        QStringLiteral(R"(^@@ -\d+(?:,(\d+))? \+\d+(?:,(\d+))? @@)"));
    const QRegularExpressionMatch match = header.match(line.toString());
    if (!match.hasMatch()) { // e.g. "@@@" combined diffs
        spans.append({0, int(line.size()), TokenClass::DiffHunkHeader});
        return UnknownSize;
    }
    const int headerLength = int(match.capturedLength(0));
    spans.append({0, headerLength, TokenClass::DiffHunkHeader});
    // git puts the enclosing function or section after the header.
    if (line.size() > headerLength)
        spans.append({headerLength, int(line.size()) - headerLength, TokenClass::Function});
    // An omitted count means one line.
    const int oldLines = match.capturedLength(1) ? match.captured(1).toInt() : 1;
    const int newLines = match.capturedLength(2) ? match.captured(2).toInt() : 1;
    return hunkState(oldLines, newLines);
}

} // namespace

int DiffLexer::lexLine(QStringView line, int previousState, QList<TokenSpan> &spans) const
{
    const int n = int(line.size());
    const auto addLine = [&spans, n](TokenClass token) {
        if (n > 0)
            spans.append({0, n, token});
    };
    // Editors often strip the single space of an empty context line.
    const QChar first = n > 0 ? line[0] : QChar(u' ');

    if (previousState == UnknownSize) {
        if (first == u'+' || first == u'-' || first == u' ') {
            addLine(first == u'+'       ? TokenClass::DiffAdded
                        : first == u'-' ? TokenClass::DiffRemoved
                                        : TokenClass::DiffContext);
            return UnknownSize;
        }
    } else if (previousState >= 2) {
        int oldLines = (previousState - 2) >> CountBits;
        int newLines = (previousState - 2) & MaxCount;
        if (first == u'-' && oldLines > 0) {
            addLine(TokenClass::DiffRemoved);
            return hunkState(oldLines - 1, newLines);
        }
        if (first == u'+' && newLines > 0) {
            addLine(TokenClass::DiffAdded);
            return hunkState(oldLines, newLines - 1);
        }
        if (first == u' ' && oldLines > 0 && newLines > 0) {
            addLine(TokenClass::DiffContext);
            return hunkState(oldLines - 1, newLines - 1);
        }
    }
    if (first == u'\\') { // "\ No newline at end of file", after a hunk's last line
        addLine(TokenClass::Comment);
        return std::max(previousState, Outside);
    }

    if (line.startsWith(u"@@"))
        return lexHunkHeader(line, spans);
    if (isFileHeader(line)) {
        addLine(TokenClass::DiffFileHeader);
    } else if (first == u'+' && n > 0) { // snippets pasted without headers
        addLine(TokenClass::DiffAdded);
    } else if (first == u'-' && n > 0) {
        addLine(TokenClass::DiffRemoved);
    } else if (first == u' ' && n > 0) {
        addLine(TokenClass::DiffContext);
    }
    return Outside;
}

} // namespace ktx
