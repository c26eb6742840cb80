#pragma once

#include "tools/agenttool.h"

#include <QJsonObject>
#include <QJsonValue>
#include <QMetaType>
#include <QString>

namespace ktx {

// One tools/call as McpServer reports it: toolCallStarted carries the input,
// toolCallFinished the same call with its output and duration. The agent
// runtime counts and streams these.
struct McpToolCall
{
    quint64 serial = 0; // unique per server; pairs a start with its finish
    QJsonValue requestId; // the JSON-RPC id the client used
    QString tool;
    QJsonObject arguments;
    ToolOutput output; // finished only
    double durationMs = 0; // finished only: time the tool ran on its worker thread
    bool cancelled = false; // finished only: the client cancelled it or went away
};

} // namespace ktx

Q_DECLARE_METATYPE(ktx::McpToolCall)
