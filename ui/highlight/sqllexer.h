#pragma once

#include "linelexer.h"

namespace ktx {

// ANSI SQL plus the common SQLite/PostgreSQL/DuckDB words. Keywords match case-insensitively;
// /* block comments */ and string literals may span lines.
class SqlLexer : public LineLexer
{
public:
    int lexLine(QStringView line, int previousState, QList<TokenSpan> &spans) const override;
};

} // namespace ktx
