#pragma once

#include "llm/llmtypes.h"

#include <QHash>
#include <QSet>
#include <QStringList>

#include <optional>

namespace ktx {

// Reads `claude -p --output-format stream-json --verbose` output line by line.
// Assistant lines may repeat one message id with one block each (or carry
// cumulative snapshots in older builds), so blocks are de-duplicated by message
// id and block position/id. The result line is authoritative: steps are its
// `num_turns`, and failure is `is_error` (not the subtype).
class ClaudeStreamParser
{
public:
    struct InitInfo
    {
        QString model;
        QStringList tools;
        QHash<QString, QString> mcpServers; // name -> status
        QString permissionMode;
        QString apiKeySource;
        QString version;
        QStringList plugins; // name
        QStringList userPlugins; // plugins that are not part of Claude Code itself
    };

    struct Outcome
    {
        QString subtype;
        bool isError = false;
        int numTurns = 0;
        QString result;
        QJsonValue structured;
        QStringList errors;
        QStringList permissionDenials; // tool names
        int apiErrorStatus = 0;
        TokenUsage usage;
        double costUsd = -1; // total_cost_usd, when present
    };

    explicit ClaudeStreamParser(AgentEventSink events = {},
                                QString toolPrefix = QStringLiteral("mcp__ktx__"));

    void feedLine(const QByteArray &line);

    const std::optional<InitInfo> &init() const { return m_init; }
    const std::optional<Outcome> &outcome() const { return m_outcome; }
    int liveSteps() const { return m_assistantMessages.size(); }
    QString lastText() const { return m_lastText; }
    QStringList notices() const { return m_notices; }

private:
    void emitEvent(const AgentEvent &e) const;
    QString plainToolName(const QString &name) const;

    AgentEventSink m_events;
    QString m_toolPrefix;
    std::optional<InitInfo> m_init;
    std::optional<Outcome> m_outcome;
    QSet<QString> m_assistantMessages;
    QSet<QString> m_seenBlocks;
    QHash<QString, AgentEvent> m_openCalls;
    QString m_lastText;
    QStringList m_notices;
};

} // namespace ktx
