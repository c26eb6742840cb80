#include "llm/anthropicchatmodel.h"

#include "llm/modelhttp.h"
#include "llm/requestgovernor.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QMap>

namespace ktx {

namespace {

QJsonObject cacheControl(const QString &ttl)
{
    QJsonObject cc {{QStringLiteral("type"), QStringLiteral("ephemeral")}};
    if (!ttl.isEmpty())
        cc.insert(QStringLiteral("ttl"), ttl);
    return cc;
}

QJsonObject usageOf(const QJsonObject &u, TokenUsage &usage)
{
    if (u.contains(QStringLiteral("input_tokens")))
        usage.inputTokens = u.value(QStringLiteral("input_tokens")).toInteger();
    if (u.contains(QStringLiteral("output_tokens")))
        usage.outputTokens = u.value(QStringLiteral("output_tokens")).toInteger();
    if (u.contains(QStringLiteral("cache_read_input_tokens")))
        usage.cacheReadTokens = u.value(QStringLiteral("cache_read_input_tokens")).toInteger();
    if (u.contains(QStringLiteral("cache_creation_input_tokens")))
        usage.cacheWriteTokens = u.value(QStringLiteral("cache_creation_input_tokens")).toInteger();
    return u;
}

ChatBlock blockFromJson(const QJsonObject &o)
{
    const QString type = o.value(QStringLiteral("type")).toString();
    if (type == QLatin1String("tool_use")) {
        return ChatBlock::toolUse(o.value(QStringLiteral("id")).toString(),
                                  o.value(QStringLiteral("name")).toString(),
                                  o.value(QStringLiteral("input")).toObject());
    }
    if (type == QLatin1String("thinking")) {
        ChatBlock b;
        b.kind = ChatBlock::Kind::Thinking;
        b.text = o.value(QStringLiteral("thinking")).toString();
        b.signature = o.value(QStringLiteral("signature")).toString();
        return b;
    }
    return ChatBlock::textBlock(o.value(QStringLiteral("text")).toString());
}

// Accumulates one Messages response, streamed (SSE) or whole (JSON).
class AnthropicConsumer : public StreamOrJsonConsumer
{
public:
    using StreamOrJsonConsumer::StreamOrJsonConsumer;

    ChatTurn takeTurn() { return std::move(m_turn); }

protected:
    void clear() override
    {
        m_turn = ChatTurn();
        m_partialJson.clear();
        m_blockIndex.clear();
        m_stopped = false;
        m_failure.reset();
    }

    std::optional<StreamFailure> onStreamEnd() override
    {
        if (m_failure)
            return m_failure;
        if (!m_stopped)
            return StreamFailure {QStringLiteral("the stream ended before message_stop"), true};
        return std::nullopt;
    }

    std::optional<StreamFailure> onWholeBody(const QByteArray &body) override
    {
        QJsonParseError err;
        const QJsonDocument doc = QJsonDocument::fromJson(body, &err);
        if (!doc.isObject())
            return StreamFailure {
                QStringLiteral("the response was not JSON (%1)").arg(err.errorString()), false};
        const QJsonObject o = doc.object();
        if (o.value(QStringLiteral("type")).toString() == QLatin1String("error"))
            return StreamFailure {ModelHttp::errorMessageFromBody(body), false};
        for (const QJsonValue &b : o.value(QStringLiteral("content")).toArray())
            m_turn.blocks << blockFromJson(b.toObject());
        m_turn.stopReason = o.value(QStringLiteral("stop_reason")).toString();
        m_turn.model = o.value(QStringLiteral("model")).toString();
        usageOf(o.value(QStringLiteral("usage")).toObject(), m_turn.usage);
        return std::nullopt;
    }

    void onEvent(const SseEvent &event) override
    {
        if (m_failure)
            return;
        QJsonParseError err;
        const QJsonDocument doc = QJsonDocument::fromJson(event.data, &err);
        if (!doc.isObject()) {
            if (event.data.trimmed().isEmpty())
                return;
            m_failure = StreamFailure {
                QStringLiteral("a stream event was not valid JSON (%1)").arg(err.errorString()),
                true};
            return;
        }
        const QJsonObject o = doc.object();
        const QString type
            = o.value(QStringLiteral("type")).toString(QString::fromUtf8(event.event));
        if (type == QLatin1String("message_start")) {
            const QJsonObject message = o.value(QStringLiteral("message")).toObject();
            m_turn.model = message.value(QStringLiteral("model")).toString();
            usageOf(message.value(QStringLiteral("usage")).toObject(), m_turn.usage);
        } else if (type == QLatin1String("content_block_start")) {
            const int index = o.value(QStringLiteral("index")).toInt();
            m_blockIndex.insert(index, m_turn.blocks.size());
            m_turn.blocks << blockFromJson(o.value(QStringLiteral("content_block")).toObject());
            m_partialJson.insert(index, QString());
        } else if (type == QLatin1String("content_block_delta")) {
            const int index = o.value(QStringLiteral("index")).toInt();
            if (!m_blockIndex.contains(index))
                return; // a delta for a block that never started: ignore rather than guess
            ChatBlock &block = m_turn.blocks[m_blockIndex.value(index)];
            const QJsonObject delta = o.value(QStringLiteral("delta")).toObject();
            const QString dtype = delta.value(QStringLiteral("type")).toString();
            if (dtype == QLatin1String("text_delta"))
                block.text += delta.value(QStringLiteral("text")).toString();
            else if (dtype == QLatin1String("input_json_delta"))
                m_partialJson[index] += delta.value(QStringLiteral("partial_json")).toString();
            else if (dtype == QLatin1String("thinking_delta"))
                block.text += delta.value(QStringLiteral("thinking")).toString();
            else if (dtype == QLatin1String("signature_delta"))
                block.signature += delta.value(QStringLiteral("signature")).toString();
        } else if (type == QLatin1String("content_block_stop")) {
            const int index = o.value(QStringLiteral("index")).toInt();
            if (!m_blockIndex.contains(index))
                return;
            ChatBlock &block = m_turn.blocks[m_blockIndex.value(index)];
            const QString json = m_partialJson.value(index).trimmed();
            if (block.kind == ChatBlock::Kind::ToolUse && !json.isEmpty()) {
                const QJsonDocument input = QJsonDocument::fromJson(json.toUtf8());
                if (input.isObject())
                    block.input = input.object();
                else
                    block.rawArguments = json;
            }
        } else if (type == QLatin1String("message_delta")) {
            const QJsonObject delta = o.value(QStringLiteral("delta")).toObject();
            if (delta.contains(QStringLiteral("stop_reason")))
                m_turn.stopReason = delta.value(QStringLiteral("stop_reason")).toString();
            usageOf(o.value(QStringLiteral("usage")).toObject(),
                    m_turn.usage); // cumulative, not increments
        } else if (type == QLatin1String("message_stop")) {
            m_stopped = true;
        } else if (type == QLatin1String("error")) {
            const QJsonObject error = o.value(QStringLiteral("error")).toObject();
            const QString etype = error.value(QStringLiteral("type")).toString();
            const bool retryable = etype == QLatin1String("overloaded_error")
                || etype == QLatin1String("api_error")
                || etype == QLatin1String("rate_limit_error");
            m_failure
                = StreamFailure {QStringLiteral("%1: %2").arg(
                                     etype, error.value(QStringLiteral("message")).toString()),
                                 retryable};
        }
        // ping and unknown events: nothing to do
    }

private:
    ChatTurn m_turn;
    QMap<int, QString> m_partialJson;
    QMap<int, qsizetype> m_blockIndex;
    bool m_stopped = false;
    std::optional<StreamFailure> m_failure;
};

QJsonObject blockToJson(const ChatBlock &b)
{
    switch (b.kind) {
    case ChatBlock::Kind::Text:
        return {{QStringLiteral("type"), QStringLiteral("text")}, {QStringLiteral("text"), b.text}};
    case ChatBlock::Kind::ToolUse:
        return {{QStringLiteral("type"), QStringLiteral("tool_use")},
                {QStringLiteral("id"), b.id},
                {QStringLiteral("name"), b.name},
                {QStringLiteral("input"), b.input}};
    case ChatBlock::Kind::ToolResult: {
        QJsonObject o {{QStringLiteral("type"), QStringLiteral("tool_result")},
                       {QStringLiteral("tool_use_id"), b.id},
                       {QStringLiteral("content"), b.text}};
        if (b.isError)
            o.insert(QStringLiteral("is_error"), true);
        return o;
    }
    case ChatBlock::Kind::Thinking:
        return {{QStringLiteral("type"), QStringLiteral("thinking")},
                {QStringLiteral("thinking"), b.text},
                {QStringLiteral("signature"), b.signature}};
    }
    return {};
}

} // namespace

AnthropicChatModel::AnthropicChatModel(LlmSettings settings,
                                       std::shared_ptr<RequestGovernor> governor)
    : m_settings(std::move(settings))
    , m_governor(std::move(governor))
{
    if (m_settings.backend == QLatin1String("vertex"))
        m_flavor = Flavor::Vertex;
    else if (m_settings.backend == QLatin1String("gateway"))
        m_flavor = Flavor::Gateway;
    else
        m_flavor = Flavor::Anthropic;
}

QString AnthropicChatModel::providerName() const
{
    switch (m_flavor) {
    case Flavor::Vertex:
        return QStringLiteral("Vertex AI");
    case Flavor::Gateway:
        return QStringLiteral("the AI gateway");
    case Flavor::Anthropic:
        break;
    }
    return QStringLiteral("Anthropic");
}

QUrl AnthropicChatModel::requestUrl(const QString &model) const
{
    QString base = m_settings.baseUrl.toString();
    while (base.endsWith(QLatin1Char('/')))
        base.chop(1);
    if (m_flavor == Flavor::Vertex) {
        return QUrl(
            QStringLiteral("%1/v1/projects/%2/locations/%3/publishers/anthropic/models/%4:%5")
                .arg(base, m_settings.vertexProject, m_settings.vertexLocation, model,
                     m_streaming ? QStringLiteral("streamRawPredict")
                                 : QStringLiteral("rawPredict")));
    }
    if (base.endsWith(QLatin1String("/v1")))
        base.chop(3);
    return QUrl(base + QStringLiteral("/v1/messages"));
}

QJsonObject AnthropicChatModel::requestBody(const ChatRequest &request) const
{
    const PromptCachingConfig &pc = m_settings.promptCaching;
    const bool caching = pc.enabled.value_or(true);
    auto ttl = [&](const QString &configured) {
        if (m_flavor == Flavor::Vertex && pc.vertexFallbackTo5m
            && configured == QLatin1String("1h"))
            return QStringLiteral("5m");
        return configured;
    };

    QJsonObject body;
    if (m_flavor == Flavor::Vertex)
        body.insert(QStringLiteral("anthropic_version"), QStringLiteral("vertex-2023-10-16"));
    else
        body.insert(QStringLiteral("model"), request.model);
    body.insert(QStringLiteral("max_tokens"), request.maxTokens);
    if (m_streaming)
        body.insert(QStringLiteral("stream"), true);

    if (!request.system.isEmpty()) {
        QJsonObject block {{QStringLiteral("type"), QStringLiteral("text")},
                           {QStringLiteral("text"), request.system}};
        if (caching)
            block.insert(QStringLiteral("cache_control"), cacheControl(ttl(pc.systemTtl)));
        body.insert(QStringLiteral("system"), QJsonArray {block});
    }

    if (request.tools && !request.tools->isEmpty()) {
        QJsonArray tools;
        for (const AgentTool &tool : request.tools->tools()) {
            tools.append(QJsonObject {{QStringLiteral("name"), tool.name},
                                      {QStringLiteral("description"), tool.description},
                                      {QStringLiteral("input_schema"), tool.inputSchema}});
        }
        if (caching) {
            QJsonObject last = tools.last().toObject();
            last.insert(QStringLiteral("cache_control"), cacheControl(ttl(pc.toolsTtl)));
            tools.replace(tools.size() - 1, last);
        }
        body.insert(QStringLiteral("tools"), tools);
    }

    QJsonArray messages;
    for (const ChatMessage &m : request.messages) {
        QJsonArray content;
        for (const ChatBlock &b : m.blocks)
            content.append(blockToJson(b));
        messages.append(
            QJsonObject {{QStringLiteral("role"),
                          m.role == ChatMessage::Role::User ? QStringLiteral("user")
                                                            : QStringLiteral("assistant")},
                         {QStringLiteral("content"), content}});
    }
    // The conversation so far is a cacheable prefix for the next step.
    if (caching && !messages.isEmpty()) {
        QJsonObject last = messages.last().toObject();
        QJsonArray content = last.value(QStringLiteral("content")).toArray();
        if (!content.isEmpty()) {
            QJsonObject block = content.last().toObject();
            if (block.value(QStringLiteral("type")).toString() != QLatin1String("thinking")) {
                block.insert(QStringLiteral("cache_control"), cacheControl(ttl(pc.historyTtl)));
                content.replace(content.size() - 1, block);
                last.insert(QStringLiteral("content"), content);
                messages.replace(messages.size() - 1, last);
            }
        }
    }
    body.insert(QStringLiteral("messages"), messages);
    return body;
}

Result<ChatTurn> AnthropicChatModel::complete(const ChatRequest &request,
                                              const CancellationToken &cancel,
                                              const AgentEventSink &events)
{
    ModelHttpRequest http;
    http.url = requestUrl(request.model);
    http.provider = providerName();
    http.body = QJsonDocument(requestBody(request)).toJson(QJsonDocument::Compact);
    http.idleTimeoutMs = m_settings.idleTimeoutMs;
    http.totalTimeoutMs = m_settings.requestTimeoutMs;
    http.headers << qMakePair(QByteArrayLiteral("content-type"),
                              QByteArrayLiteral("application/json"));
    if (m_flavor == Flavor::Vertex) {
        http.headers << qMakePair(QByteArrayLiteral("authorization"),
                                  "Bearer " + m_settings.vertexAccessToken.toUtf8());
    } else {
        http.headers << qMakePair(QByteArrayLiteral("x-api-key"), m_settings.apiKey.toUtf8());
        http.headers << qMakePair(QByteArrayLiteral("anthropic-version"),
                                  QByteArrayLiteral("2023-06-01"));
        if (m_flavor == Flavor::Gateway)
            http.headers << qMakePair(QByteArrayLiteral("authorization"),
                                      "Bearer " + m_settings.apiKey.toUtf8());
    }
    if (m_streaming)
        http.headers << qMakePair(QByteArrayLiteral("accept"),
                                  QByteArrayLiteral("text/event-stream"));

    AnthropicConsumer consumer(m_streaming);
    const Result<void> sent = ModelHttp::post(http, consumer, *m_governor, cancel, events);
    if (!sent)
        return sent.error();
    ChatTurn turn = consumer.takeTurn();
    if (turn.model.isEmpty())
        turn.model = request.model;
    return turn;
}

} // namespace ktx
