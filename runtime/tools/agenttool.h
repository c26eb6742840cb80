#pragma once

#include "core/cancellationtoken.h"

#include <QJsonObject>
#include <QJsonValue>
#include <QString>

#include <functional>

namespace ktx {

// What a tool call returns: text for the model, optional structured data for
// clients that read it (MCP `structuredContent`), and whether the call failed.
// A failed call is still a result the model sees; it is never an exception.
struct ToolOutput
{
    QString text;
    QJsonValue structured; // Undefined when the tool has no structured result
    bool isError = false;

    static ToolOutput failure(QString message)
    {
        ToolOutput out;
        out.text = std::move(message);
        out.isError = true;
        return out;
    }
    static ToolOutput success(QString text,
                              QJsonValue structured = QJsonValue(QJsonValue::Undefined))
    {
        ToolOutput out;
        out.text = std::move(text);
        out.structured = std::move(structured);
        return out;
    }
};

// The MCP tool annotations; also used by agent CLIs to decide whether a call
// needs approval, so they must be accurate.
struct ToolAnnotations
{
    QString title;
    bool readOnly = true;
    bool destructive = false;
    bool idempotent = true;
    bool openWorld = false;
};

// The execute function runs on a worker thread (never the GUI thread) and may
// run concurrently with itself; it polls the token in long loops.
using ToolFunction
    = std::function<ToolOutput(const QJsonObject &arguments, const CancellationToken &cancel)>;

// One tool as both the agent loop and the MCP server see it.
struct AgentTool
{
    QString name; // ^[a-zA-Z0-9_-]{1,64}$
    QString description;
    QJsonObject inputSchema; // JSON Schema (draft 2020-12 subset, see JsonSchemaCheck)
    QJsonObject outputSchema; // empty when the tool declares none
    ToolAnnotations annotations;
    ToolFunction execute;
};

} // namespace ktx
