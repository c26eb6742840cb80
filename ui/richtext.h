#pragma once

#include <QString>

namespace ktx {

// Runtime messages mark commands and paths with backticks, as the CLI prints
// them. Views show those spans in the fixed-width font.
class RichText
{
public:
    RichText() = delete;

    // Escapes HTML and turns `span` into <code>span</code>.
    static QString fromBackticks(const QString &text);
};

} // namespace ktx
