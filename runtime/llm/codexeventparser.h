#pragma once

#include "llm/llmtypes.h"

#include <QHash>
#include <QSet>

namespace ktx {

// Reads `codex exec --json` output one line at a time and turns it into agent
// events while the process runs. A step is a completed action item
// (command_execution, mcp_tool_call, file_change, web_search); a turn with no
// action counts as one step. An MCP call failed only when its status is
// `failed` or its `error` is a non-null value (`error: null` is success).
class CodexEventParser
{
public:
    explicit CodexEventParser(AgentEventSink events = {});

    // One line of stdout (without the newline). Malformed lines and unknown
    // types are reported as notices and otherwise ignored.
    void feedLine(const QByteArray &line);

    int steps() const { return m_actionSteps > 0 ? m_actionSteps : m_bareTurns; }
    int actionSteps() const { return m_actionSteps; }
    QString threadId() const { return m_threadId; }
    QString finalText() const { return m_finalText; }
    TokenUsage usage() const { return m_usage; }
    bool turnCompleted() const { return m_turnCompleted; }
    // The message of turn.failed / error, empty when none.
    QString failure() const { return m_failure; }
    // Names and messages of MCP tool calls that failed.
    QStringList toolFailures() const { return m_toolFailures; }
    QStringList notices() const { return m_notices; }

private:
    void emitEvent(const AgentEvent &e) const;
    void onItem(const QString &phase, const QJsonObject &item);
    static QString unwrapMessage(const QString &message);

    AgentEventSink m_events;
    QString m_threadId;
    QString m_finalText;
    TokenUsage m_usage;
    int m_actionSteps = 0;
    int m_bareTurns = 0;
    int m_actionsThisTurn = 0;
    bool m_turnCompleted = false;
    QString m_failure;
    QStringList m_toolFailures;
    QStringList m_notices;
    QSet<QString> m_completedItems;
    QHash<QString, QJsonObject> m_startedInputs;
};

} // namespace ktx
