#include "llm/llmtypes.h"

namespace ktx {

QString stopReasonName(StopReason reason)
{
    switch (reason) {
    case StopReason::Natural:
        return QStringLiteral("natural");
    case StopReason::Budget:
        return QStringLiteral("budget");
    case StopReason::Error:
        return QStringLiteral("error");
    case StopReason::Cancelled:
        return QStringLiteral("cancelled");
    }
    return QStringLiteral("error");
}

QString agentEventKindName(AgentEvent::Kind kind)
{
    switch (kind) {
    case AgentEvent::Kind::ModelText:
        return QStringLiteral("model_text");
    case AgentEvent::Kind::ToolCallStarted:
        return QStringLiteral("tool_call_started");
    case AgentEvent::Kind::ToolCallFinished:
        return QStringLiteral("tool_call_finished");
    case AgentEvent::Kind::StepFinished:
        return QStringLiteral("step_finished");
    case AgentEvent::Kind::Usage:
        return QStringLiteral("usage");
    case AgentEvent::Kind::RateLimitWait:
        return QStringLiteral("rate_limit_wait");
    case AgentEvent::Kind::Retry:
        return QStringLiteral("retry");
    case AgentEvent::Kind::Notice:
        return QStringLiteral("notice");
    }
    return QStringLiteral("notice");
}

QJsonObject agentEventToJson(const AgentEvent &event)
{
    QJsonObject o {{QStringLiteral("type"), agentEventKindName(event.kind)}};
    switch (event.kind) {
    case AgentEvent::Kind::ModelText:
    case AgentEvent::Kind::Notice:
        o.insert(QStringLiteral("text"), event.text);
        break;
    case AgentEvent::Kind::ToolCallStarted:
        o.insert(QStringLiteral("toolCallId"), event.toolCallId);
        o.insert(QStringLiteral("tool"), event.toolName);
        o.insert(QStringLiteral("input"), event.input);
        break;
    case AgentEvent::Kind::ToolCallFinished:
        o.insert(QStringLiteral("toolCallId"), event.toolCallId);
        o.insert(QStringLiteral("tool"), event.toolName);
        o.insert(QStringLiteral("input"), event.input);
        o.insert(QStringLiteral("output"), event.output);
        o.insert(QStringLiteral("isError"), event.isError);
        o.insert(QStringLiteral("durationMs"), event.durationMs);
        break;
    case AgentEvent::Kind::StepFinished:
        o.insert(QStringLiteral("step"), event.step);
        break;
    case AgentEvent::Kind::Usage:
        o.insert(QStringLiteral("inputTokens"), event.usage.inputTokens);
        o.insert(QStringLiteral("outputTokens"), event.usage.outputTokens);
        o.insert(QStringLiteral("cacheReadTokens"), event.usage.cacheReadTokens);
        o.insert(QStringLiteral("cacheWriteTokens"), event.usage.cacheWriteTokens);
        break;
    case AgentEvent::Kind::RateLimitWait:
    case AgentEvent::Kind::Retry:
        o.insert(QStringLiteral("attempt"), event.attempt);
        o.insert(QStringLiteral("waitMs"), event.waitMs);
        o.insert(QStringLiteral("text"), event.text);
        break;
    }
    return o;
}

} // namespace ktx
