#pragma once

#include "linelexer.h"

namespace ktx {

// YAML 1.2 as people write it in config files: block mappings and sequences, flow collections
// on one line, quoted and plain scalars, anchors, tags, comments and block scalars (| and >),
// whose continuation lines are carried in the state so they read as text, not as keys.
class YamlLexer : public LineLexer
{
public:
    int lexLine(QStringView line, int previousState, QList<TokenSpan> &spans) const override;
};

} // namespace ktx
