#pragma once

#include "llm/chatmodel.h"
#include "llm/llmsettings.h"

#include <memory>

namespace ktx {

class RequestGovernor;

// Chat Completions as OpenAI-compatible servers speak it (OpenAI, Ollama, vLLM,
// LM Studio, LiteLLM, DashScope): tools as functions, streamed tool-call
// fragments accumulated by index (falling back to id), usage from the last chunk.
class OpenAiChatModel : public ChatModel
{
public:
    OpenAiChatModel(LlmSettings settings, std::shared_ptr<RequestGovernor> governor);

    QString providerName() const override { return QStringLiteral("the OpenAI-compatible server"); }
    Result<ChatTurn> complete(const ChatRequest &request, const CancellationToken &cancel,
                              const AgentEventSink &events) override;

    void setStreaming(bool streaming) { m_streaming = streaming; }
    QJsonObject requestBody(const ChatRequest &request) const;
    QUrl requestUrl() const;

private:
    LlmSettings m_settings;
    std::shared_ptr<RequestGovernor> m_governor;
    bool m_streaming = true;
};

} // namespace ktx
