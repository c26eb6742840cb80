#include "llm/codexeventparser.h"

#include <QJsonArray>
#include <QJsonDocument>

namespace ktx {

namespace {

bool isActionItem(const QString &type)
{
    return type == QLatin1String("command_execution") || type == QLatin1String("mcp_tool_call")
        || type == QLatin1String("file_change") || type == QLatin1String("web_search");
}

QString toolName(const QJsonObject &item)
{
    for (const char *key : {"tool", "name", "tool_name"}) {
        const QString v = item.value(QLatin1String(key)).toString();
        if (!v.isEmpty())
            return v;
    }
    return QStringLiteral("(unknown tool)");
}

QJsonObject argumentsOf(const QJsonObject &item)
{
    const QJsonValue args = item.value(QStringLiteral("arguments"));
    if (args.isObject())
        return args.toObject();
    if (args.isString()) {
        const QJsonDocument doc = QJsonDocument::fromJson(args.toString().toUtf8());
        if (doc.isObject())
            return doc.object();
    }
    return {};
}

QString resultText(const QJsonObject &item)
{
    const QJsonValue result = item.value(QStringLiteral("result"));
    if (!result.isObject())
        return {};
    QString text;
    for (const QJsonValue &c : result.toObject().value(QStringLiteral("content")).toArray()) {
        const QJsonObject block = c.toObject();
        if (block.value(QStringLiteral("type")).toString() == QLatin1String("text"))
            text += block.value(QStringLiteral("text")).toString();
    }
    return text;
}

} // namespace

CodexEventParser::CodexEventParser(AgentEventSink events)
    : m_events(std::move(events))
{ }

void CodexEventParser::emitEvent(const AgentEvent &e) const
{
    if (m_events)
        m_events(e);
}

QString CodexEventParser::unwrapMessage(const QString &message)
{
    // Codex sometimes wraps the provider's error JSON in the message text.
    const QJsonDocument doc = QJsonDocument::fromJson(message.toUtf8());
    if (doc.isObject()) {
        const QJsonObject o = doc.object();
        const QJsonValue error = o.value(QStringLiteral("error"));
        if (error.isObject() && error.toObject().contains(QStringLiteral("message")))
            return error.toObject().value(QStringLiteral("message")).toString();
        if (o.contains(QStringLiteral("message")))
            return o.value(QStringLiteral("message")).toString();
    }
    return message;
}

void CodexEventParser::feedLine(const QByteArray &rawLine)
{
    const QByteArray line = rawLine.trimmed();
    if (line.isEmpty())
        return;
    QJsonParseError err;
    const QJsonDocument doc = QJsonDocument::fromJson(line, &err);
    if (!doc.isObject()) {
        const QString notice
            = QStringLiteral("Ignored a line from codex that is not a JSON object: %1")
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

    if (type == QLatin1String("thread.started")) {
        m_threadId = o.value(QStringLiteral("thread_id")).toString();
    } else if (type == QLatin1String("turn.started")) {
        m_actionsThisTurn = 0;
    } else if (type == QLatin1String("turn.completed")) {
        m_turnCompleted = true;
        const QJsonObject u = o.value(QStringLiteral("usage")).toObject();
        const qint64 cached = u.value(QStringLiteral("cached_input_tokens")).toInteger();
        m_usage.inputTokens = u.value(QStringLiteral("input_tokens")).toInteger() - cached;
        m_usage.cacheReadTokens = cached;
        m_usage.outputTokens = u.value(QStringLiteral("output_tokens")).toInteger();
        AgentEvent usage;
        usage.kind = AgentEvent::Kind::Usage;
        usage.usage = m_usage;
        emitEvent(usage);
        if (m_actionsThisTurn == 0 && m_actionSteps == 0) {
            ++m_bareTurns;
            AgentEvent step;
            step.kind = AgentEvent::Kind::StepFinished;
            step.step = steps();
            emitEvent(step);
        }
    } else if (type == QLatin1String("turn.failed")) {
        m_failure = unwrapMessage(o.value(QStringLiteral("error"))
                                      .toObject()
                                      .value(QStringLiteral("message"))
                                      .toString());
    } else if (type == QLatin1String("error")) {
        const QString message = unwrapMessage(o.value(QStringLiteral("message")).toString());
        if (m_failure.isEmpty())
            m_failure = message;
    } else if (type.startsWith(QLatin1String("item."))) {
        onItem(type.mid(5), o.value(QStringLiteral("item")).toObject());
    }
    // Other event types (plan deltas, requests for user input, future kinds) are ignored.
}

void CodexEventParser::onItem(const QString &phase, const QJsonObject &item)
{
    const QString id = item.value(QStringLiteral("id")).toString();
    const QString type = item.value(QStringLiteral("type")).toString();

    if (type == QLatin1String("mcp_tool_call") && phase == QLatin1String("started")) {
        m_startedInputs.insert(id, argumentsOf(item));
        AgentEvent e;
        e.kind = AgentEvent::Kind::ToolCallStarted;
        e.toolCallId = id;
        e.toolName = toolName(item);
        e.input = argumentsOf(item);
        emitEvent(e);
        return;
    }
    if (phase != QLatin1String("completed"))
        return;
    if (!id.isEmpty()) {
        if (m_completedItems.contains(id))
            return; // a repeated completion must not count twice
        m_completedItems.insert(id);
    }

    if (type == QLatin1String("agent_message")) {
        m_finalText = item.value(QStringLiteral("text")).toString();
        AgentEvent e;
        e.kind = AgentEvent::Kind::ModelText;
        e.text = m_finalText;
        emitEvent(e);
        return;
    }
    if (type == QLatin1String("error")) {
        const QString notice = item.value(QStringLiteral("message")).toString();
        m_notices << notice;
        AgentEvent e;
        e.kind = AgentEvent::Kind::Notice;
        e.text = notice;
        emitEvent(e);
        return;
    }
    if (!isActionItem(type))
        return; // reasoning, todo_list, plan: not steps

    if (type == QLatin1String("mcp_tool_call")) {
        const QString status = item.value(QStringLiteral("status")).toString();
        const QJsonValue error = item.value(QStringLiteral("error"));
        const bool failed
            = status == QLatin1String("failed") || (!error.isNull() && !error.isUndefined());
        AgentEvent e;
        e.kind = AgentEvent::Kind::ToolCallFinished;
        e.toolCallId = id;
        e.toolName = toolName(item);
        e.input = m_startedInputs.value(id, argumentsOf(item));
        e.isError = failed;
        e.output = failed
            ? error.toObject().value(QStringLiteral("message")).toString(resultText(item))
            : resultText(item);
        emitEvent(e);
        if (failed)
            m_toolFailures << QStringLiteral("%1: %2").arg(e.toolName,
                                                           e.output.isEmpty() ? status : e.output);
    }
    ++m_actionSteps;
    ++m_actionsThisTurn;
    AgentEvent step;
    step.kind = AgentEvent::Kind::StepFinished;
    step.step = steps();
    emitEvent(step);
}

} // namespace ktx
