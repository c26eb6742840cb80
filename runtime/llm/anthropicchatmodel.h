#pragma once

#include "llm/chatmodel.h"
#include "llm/llmsettings.h"

#include <memory>

namespace ktx {

class RequestGovernor;

// The Anthropic Messages API in its three dresses: api.anthropic.com (x-api-key),
// an AI gateway with the same API (its base URL and key), and Vertex AI (the model
// in the URL, anthropic_version in the body, a Google bearer token). Streams by
// default; tool use, thinking echo and prompt-cache markers per llm.promptCaching.
class AnthropicChatModel : public ChatModel
{
public:
    enum class Flavor { Anthropic, Gateway, Vertex };

    AnthropicChatModel(LlmSettings settings, std::shared_ptr<RequestGovernor> governor);

    QString providerName() const override;
    Result<ChatTurn> complete(const ChatRequest &request, const CancellationToken &cancel,
                              const AgentEventSink &events) override;

    void setStreaming(bool streaming) { m_streaming = streaming; }
    Flavor flavor() const { return m_flavor; }

    // The request as it goes on the wire (exposed for tests).
    QJsonObject requestBody(const ChatRequest &request) const;
    QUrl requestUrl(const QString &model) const;

private:
    LlmSettings m_settings;
    std::shared_ptr<RequestGovernor> m_governor;
    Flavor m_flavor;
    bool m_streaming = true;
};

} // namespace ktx
