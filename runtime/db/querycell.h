#pragma once

#include <QJsonValue>
#include <QString>
#include <QVariant>

namespace ktx {

// How one value of a query result is shown: as JSON (ktx sql --json, the
// sql_execution and sl_query tools) and as text (tables and TSV). One place,
// so the CLI and the MCP tools never disagree about a cell.
struct QueryCell
{
    // Numbers stay numbers unless JSON would lose digits (beyond 2^53, NaN,
    // infinity): then the exact text. Dates and times in ISO 8601.
    static QJsonValue toJson(const QVariant &value);
    // Empty for NULL; booleans true/false; doubles with 15 significant digits.
    static QString toText(const QVariant &value);
};

} // namespace ktx
