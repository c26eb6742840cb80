#pragma once

#include "core/result.h"

#include <QString>

namespace ktx {

// Refuses anything but a single read before it reaches a database: exactly one
// statement, starting with SELECT or WITH (a VALUES/TABLE read is refused too),
// no data-modifying CTE, no mutating keyword outside string literals, quoted
// identifiers and comments. Understands '...' (with '' escapes), "...", `...`,
// [...] (sqlserver-style), E'...' backslash escapes, PostgreSQL $tag$...$tag$
// dollar quoting, -- and /* */ comments (nested for PostgreSQL).
// False refusals are acceptable; a false acceptance is a bug.
class ReadOnlySqlGuard
{
public:
    // Returns the statement with trailing semicolons, comments and whitespace
    // removed (ready to be wrapped in a LIMIT), or an error with code
    // "sql_not_read_only" / "sql_multiple_statements" / "sql_empty" and a message
    // that names the offending keyword or position.
    static Result<QString> check(const QString &sql, const QString &driver);
};

} // namespace ktx
