#pragma once

#include "linelexer.h"

namespace ktx {

// JSON and JSON Lines. JSON strings cannot contain raw newlines, so every line lexes on its
// own and the state is always 0; a string followed by ':' is an object key.
class JsonLexer : public LineLexer
{
public:
    int lexLine(QStringView line, int previousState, QList<TokenSpan> &spans) const override;
};

} // namespace ktx
