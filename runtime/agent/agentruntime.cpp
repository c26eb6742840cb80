#include "agent/agentruntime.h"

#include "agent/chatagentloop.h"
#include "core/secretredactor.h"
#include "llm/anthropicchatmodel.h"
#include "llm/claudecoderunner.h"
#include "llm/codexrunner.h"
#include "llm/openaichatmodel.h"
#include "llm/requestgovernor.h"

namespace ktx {

AgentRuntime::AgentRuntime(LlmSettings settings, std::shared_ptr<RequestGovernor> governor)
    : m_settings(std::move(settings))
    , m_governor(governor ? std::move(governor) : std::make_shared<RequestGovernor>())
{ }

LoopResult AgentRuntime::run(const LoopRequest &request, const AgentEventSink &events) const
{
    // Every event leaves the runtime redacted: tool outputs and model text could
    // echo a secret back (a key in an error message, a password in a result).
    const AgentEventSink redacting = [&events](const AgentEvent &e) {
        if (!events)
            return;
        AgentEvent copy = e;
        copy.text = SecretRedactor::redact(copy.text);
        copy.output = SecretRedactor::redact(copy.output);
        events(copy);
    };

    LoopResult result;
    const QString &backend = m_settings.backend;
    if (request.cancel.isCancelled()) {
        result.stopReason = StopReason::Cancelled;
        return result;
    }
    if (backend == QLatin1String("none") || backend.isEmpty()) {
        result.stopReason = StopReason::Error;
        result.error = makeError(
            QStringLiteral("llm.none"),
            QStringLiteral("No LLM backend is configured (llm.provider.backend: none)."),
            QStringLiteral("Run `ktx setup` to choose a model backend; without one, ingest builds "
                           "structural context only."));
        return result;
    }
    const QString model = m_settings.modelFor(request.role);
    if (backend == QLatin1String("claude-code")) {
        result = ClaudeCodeRunner::run(m_settings, request, redacting);
    } else if (backend == QLatin1String("codex")) {
        result = CodexRunner::run(m_settings, request, redacting);
    } else if (backend == QLatin1String("openai-compatible")) {
        OpenAiChatModel chat(m_settings, m_governor);
        result = ChatAgentLoop::run(chat, model, request, redacting, m_settings.maxOutputTokens);
    } else if (backend == QLatin1String("anthropic") || backend == QLatin1String("vertex")
               || backend == QLatin1String("gateway")) {
        AnthropicChatModel chat(m_settings, m_governor);
        result = ChatAgentLoop::run(chat, model, request, redacting, m_settings.maxOutputTokens);
    } else {
        result.stopReason = StopReason::Error;
        result.error = makeError(QStringLiteral("llm.unknown_backend"),
                                 QStringLiteral("Unknown LLM backend \"%1\".").arg(backend));
    }
    result.finalText = SecretRedactor::redact(result.finalText);
    result.error.message = SecretRedactor::redact(result.error.message);
    return result;
}

LoopResult AgentRuntime::generateText(const QString &role, const QString &system,
                                      const QString &prompt, const CancellationToken &cancel) const
{
    LoopRequest request;
    request.role = role;
    request.systemPrompt = system;
    request.userPrompt = prompt;
    request.stepBudget = 1;
    request.cancel = cancel;
    return run(request);
}

} // namespace ktx
