#pragma once

#include "syntaxhighlighting.h"
#include "tokenclass.h"

#include <QList>
#include <QStringView>

#include <memory>

namespace ktx {

struct TokenSpan
{
    int start = 0; // offset in the line
    int length = 0;
    TokenClass token = TokenClass::String;

    friend bool operator==(const TokenSpan &, const TokenSpan &) = default;
};

// One language's tokenizer, line by line, without any Qt text classes, so it can be driven
// by QSyntaxHighlighter or by a test. Whatever must survive a line break (inside a block
// comment, a fenced code block, ...) is packed into the returned int, which the caller hands
// back for the next line; QSyntaxHighlighter stores it as the block state and re-runs the
// following lines only when it changes.
class LineLexer
{
public:
    // previousState for the first line of a document.
    static constexpr int DocumentStart = -1;

    virtual ~LineLexer() = default;

    // Appends spans for line to spans, left to right, without overlaps, and returns the state
    // for the next line (always >= 0).
    virtual int lexLine(QStringView line, int previousState, QList<TokenSpan> &spans) const = 0;

    // nullptr for PlainText.
    static std::unique_ptr<LineLexer> create(SyntaxLanguage language);
};

} // namespace ktx
