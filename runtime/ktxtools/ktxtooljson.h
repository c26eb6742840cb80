#pragma once

#include "tools/agenttool.h"

#include <QJsonArray>
#include <QJsonObject>
#include <QJsonValue>
#include <QVariant>

namespace ktx {

struct Error;
struct QueryResult;

// The JSON conventions every ktx context tool shares, so a value looks the
// same whichever tool (or the CLI) returns it.
class KtxToolJson
{
public:
    // A schema or other constant written as JSON text in the source. Aborts
    // in debug builds on a typo: the text is ours, never user input.
    static QJsonObject parseObject(const char *json);

    // Every cell through QueryCell::toJson (runtime/db), as ktx sql --json does.
    static QJsonArray rows(const QueryResult &result);

    // A successful call: the structured result for MCP clients, and the same
    // JSON as compact text for models that read only text.
    static ToolOutput success(const QJsonObject &structured);
    // A failed call a model can correct: the message, then the hint.
    static ToolOutput failure(const Error &error);
};

} // namespace ktx
