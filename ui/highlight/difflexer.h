#pragma once

#include "linelexer.h"

namespace ktx {

// Unified diffs (git diff, diff -u). The state counts the old and new lines a hunk header
// announced, so a removed line reading "--- x" is told apart from the next file's header.
class DiffLexer : public LineLexer
{
public:
    int lexLine(QStringView line, int previousState, QList<TokenSpan> &spans) const override;
};

} // namespace ktx
