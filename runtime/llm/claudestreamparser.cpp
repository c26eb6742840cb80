#include "llm/claudestreamparser.h"

#include <QJsonArray>
#include <QJsonDocument>

namespace ktx {

namespace {

QString contentText(const QJsonValue &content)
{
    if (content.isString())
        return content.toString();
    QString text;
    for (const QJsonValue &c : content.toArray()) {
        const QJsonObject block = c.toObject();
        if (block.value(QStringLiteral("type")).toString() == QLatin1String("text"))
            text += block.value(QStringLiteral("text")).toString();
    }
    return text;
}

void readUsage(const QJsonObject &u, TokenUsage &usage)
{
    usage.inputTokens = u.value(QStringLiteral("input_tokens")).toInteger();
    usage.outputTokens = u.value(QStringLiteral("output_tokens")).toInteger();
    usage.cacheReadTokens = u.value(QStringLiteral("cache_read_input_tokens")).toInteger();
    usage.cacheWriteTokens = u.value(QStringLiteral("cache_creation_input_tokens")).toInteger();
}

} // namespace

ClaudeStreamParser::ClaudeStreamParser(AgentEventSink events, QString toolPrefix)
    : m_events(std::move(events))
    , m_toolPrefix(std::move(toolPrefix))
{ }

void ClaudeStreamParser::emitEvent(const AgentEvent &e) const
{
    if (m_events)
        m_events(e);
}

QString ClaudeStreamParser::plainToolName(const QString &name) const
{
    return name.startsWith(m_toolPrefix) ? name.mid(m_toolPrefix.size()) : name;
}

void ClaudeStreamParser::feedLine(const QByteArray &rawLine)
{
    const QByteArray line = rawLine.trimmed();
    if (line.isEmpty())
        return;
    const QJsonDocument doc = QJsonDocument::fromJson(line);
    if (!doc.isObject()) {
        const QString notice
            = QStringLiteral("Ignored a line from claude that is not a JSON object: %1")
                  .arg(QString::fromUtf8(line.left(160)));
        m_notices << notice;
        AgentEvent e;
        e.kind = AgentEvent::Kind::Notice;
        e.text = notice;
        emitEvent(e);
        return;
    }
    const QJsonObject o = doc.object();
    const QString type = o.value(QStringLiteral("type")).toString();
    const QString subtype = o.value(QStringLiteral("subtype")).toString();

    if (type == QLatin1String("system") && subtype == QLatin1String("init")) {
        InitInfo info;
        info.model = o.value(QStringLiteral("model")).toString();
        for (const QJsonValue &t : o.value(QStringLiteral("tools")).toArray())
            info.tools << t.toString();
        for (const QJsonValue &s : o.value(QStringLiteral("mcp_servers")).toArray()) {
            const QJsonObject server = s.toObject();
            info.mcpServers.insert(server.value(QStringLiteral("name")).toString(),
                                   server.value(QStringLiteral("status")).toString());
        }
        for (const QJsonValue &p : o.value(QStringLiteral("plugins")).toArray()) {
            const QString name = p.isObject()
                ? p.toObject().value(QStringLiteral("name")).toString()
                : p.toString();
            info.plugins << name;
            // Built-in plugins ship inside the CLI and come with every session.
            if (!p.isObject()
                || p.toObject().value(QStringLiteral("path")).toString()
                    != QLatin1String("builtin"))
                info.userPlugins << name;
        }
        info.permissionMode = o.value(QStringLiteral("permissionMode")).toString();
        info.apiKeySource = o.value(QStringLiteral("apiKeySource")).toString();
        info.version = o.value(QStringLiteral("claude_code_version")).toString();
        m_init = info;
        return;
    }
    if (type == QLatin1String("system") && subtype == QLatin1String("api_retry")) {
        AgentEvent e;
        e.kind = AgentEvent::Kind::Retry;
        e.attempt = o.value(QStringLiteral("attempt")).toInt();
        e.waitMs = o.value(QStringLiteral("retry_delay_ms")).toInteger();
        e.text = QStringLiteral("HTTP %1 from the model API")
                     .arg(o.value(QStringLiteral("error_status")).toInt());
        emitEvent(e);
        return;
    }
    if (type == QLatin1String("assistant")) {
        if (!o.value(QStringLiteral("parent_tool_use_id")).isNull()
            && !o.value(QStringLiteral("parent_tool_use_id")).isUndefined())
            return; // sub-agent traffic is not ours to count
        const QJsonObject message = o.value(QStringLiteral("message")).toObject();
        const QString messageId = message.value(QStringLiteral("id")).toString();
        if (!m_assistantMessages.contains(messageId)) {
            m_assistantMessages.insert(messageId);
        }
        const QJsonArray content = message.value(QStringLiteral("content")).toArray();
        for (qsizetype i = 0; i < content.size(); ++i) {
            const QJsonObject block = content.at(i).toObject();
            const QString btype = block.value(QStringLiteral("type")).toString();
            const QString key = btype == QLatin1String("tool_use")
                ? block.value(QStringLiteral("id")).toString()
                : messageId + QLatin1Char('#') + btype + QLatin1Char('#')
                    + block.value(QStringLiteral("text")).toString();
            if (m_seenBlocks.contains(key))
                continue;
            m_seenBlocks.insert(key);
            if (btype == QLatin1String("text")) {
                m_lastText = block.value(QStringLiteral("text")).toString();
                AgentEvent e;
                e.kind = AgentEvent::Kind::ModelText;
                e.text = m_lastText;
                emitEvent(e);
            } else if (btype == QLatin1String("tool_use")) {
                AgentEvent e;
                e.kind = AgentEvent::Kind::ToolCallStarted;
                e.toolCallId = block.value(QStringLiteral("id")).toString();
                e.toolName = plainToolName(block.value(QStringLiteral("name")).toString());
                e.input = block.value(QStringLiteral("input")).toObject();
                m_openCalls.insert(e.toolCallId, e);
                emitEvent(e);
            }
        }
        return;
    }
    if (type == QLatin1String("user")) {
        const QJsonArray content = o.value(QStringLiteral("message"))
                                       .toObject()
                                       .value(QStringLiteral("content"))
                                       .toArray();
        for (const QJsonValue &c : content) {
            const QJsonObject block = c.toObject();
            if (block.value(QStringLiteral("type")).toString() != QLatin1String("tool_result"))
                continue;
            const QString id = block.value(QStringLiteral("tool_use_id")).toString();
            AgentEvent e = m_openCalls.take(id);
            e.kind = AgentEvent::Kind::ToolCallFinished;
            e.toolCallId = id;
            e.output = contentText(block.value(QStringLiteral("content")));
            e.isError = block.value(QStringLiteral("is_error")).toBool();
            emitEvent(e);
            AgentEvent step;
            step.kind = AgentEvent::Kind::StepFinished;
            step.step = liveSteps();
            emitEvent(step);
        }
        return;
    }
    if (type == QLatin1String("result")) {
        Outcome out;
        out.subtype = subtype;
        out.isError = o.value(QStringLiteral("is_error")).toBool();
        out.numTurns = o.value(QStringLiteral("num_turns")).toInt();
        out.result = o.value(QStringLiteral("result")).toString();
        out.structured = o.value(QStringLiteral("structured_output"));
        for (const QJsonValue &e : o.value(QStringLiteral("errors")).toArray())
            out.errors << (e.isString()
                               ? e.toString()
                               : QString::fromUtf8(
                                   QJsonDocument(e.toObject()).toJson(QJsonDocument::Compact)));
        for (const QJsonValue &d : o.value(QStringLiteral("permission_denials")).toArray())
            out.permissionDenials << d.toObject().value(QStringLiteral("tool_name")).toString();
        out.apiErrorStatus = o.value(QStringLiteral("api_error_status")).toInt();
        readUsage(o.value(QStringLiteral("usage")).toObject(), out.usage);
        if (const QJsonValue cost = o.value(QStringLiteral("total_cost_usd")); cost.isDouble())
            out.costUsd = cost.toDouble();
        m_outcome = out;
        AgentEvent usage;
        usage.kind = AgentEvent::Kind::Usage;
        usage.usage = out.usage;
        emitEvent(usage);
        return;
    }
    // stream_event, status, compact_boundary and future kinds: nothing to do.
}

} // namespace ktx
