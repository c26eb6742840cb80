#include "llm/openaichatmodel.h"

#include "llm/modelhttp.h"
#include "llm/requestgovernor.h"

#include <QJsonArray>
#include <QJsonDocument>

namespace ktx {

namespace {

struct PendingCall
{
    QString id;
    QString name;
    QString arguments;
};

void readUsage(const QJsonObject &u, TokenUsage &usage)
{
    if (u.isEmpty())
        return;
    const qint64 cached = u.value(QStringLiteral("prompt_tokens_details"))
                              .toObject()
                              .value(QStringLiteral("cached_tokens"))
                              .toInteger();
    usage.inputTokens = u.value(QStringLiteral("prompt_tokens")).toInteger() - cached;
    usage.cacheReadTokens = cached;
    usage.outputTokens = u.value(QStringLiteral("completion_tokens")).toInteger();
}

ChatBlock toolUseFrom(const PendingCall &call, int ordinal)
{
    ChatBlock b = ChatBlock::toolUse(
        call.id.isEmpty() ? QStringLiteral("call_%1").arg(ordinal) : call.id, call.name, {});
    const QString args = call.arguments.trimmed();
    if (!args.isEmpty()) {
        const QJsonDocument doc = QJsonDocument::fromJson(args.toUtf8());
        if (doc.isObject())
            b.input = doc.object();
        else
            b.rawArguments = args;
    }
    return b;
}

class OpenAiConsumer : public StreamOrJsonConsumer
{
public:
    using StreamOrJsonConsumer::StreamOrJsonConsumer;

    ChatTurn takeTurn() { return std::move(m_turn); }

protected:
    void clear() override
    {
        m_text.clear();
        m_calls.clear();
        m_turn = ChatTurn();
        m_done = false;
        m_failure.reset();
    }

    std::optional<StreamFailure> onStreamEnd() override
    {
        if (m_failure)
            return m_failure;
        // [DONE] is the protocol's end; some servers only send finish_reason.
        if (!m_done && m_turn.stopReason.isEmpty())
            return StreamFailure {QStringLiteral("the stream ended before [DONE]"), true};
        assemble();
        return std::nullopt;
    }

    void assemble()
    {
        if (!m_text.isEmpty())
            m_turn.blocks << ChatBlock::textBlock(m_text);
        int ordinal = 0;
        for (const PendingCall &call : std::as_const(m_calls))
            m_turn.blocks << toolUseFrom(call, ordinal++);
    }

    std::optional<StreamFailure> onWholeBody(const QByteArray &body) override
    {
        QJsonParseError err;
        const QJsonDocument doc = QJsonDocument::fromJson(body, &err);
        if (!doc.isObject())
            return StreamFailure {
                QStringLiteral("the response was not JSON (%1)").arg(err.errorString()), false};
        const QJsonObject o = doc.object();
        if (o.contains(QStringLiteral("error")))
            return StreamFailure {ModelHttp::errorMessageFromBody(body), false};
        const QJsonObject choice = o.value(QStringLiteral("choices")).toArray().at(0).toObject();
        const QJsonObject message = choice.value(QStringLiteral("message")).toObject();
        m_text = message.value(QStringLiteral("content")).toString();
        for (const QJsonValue &tc : message.value(QStringLiteral("tool_calls")).toArray()) {
            const QJsonObject fn = tc.toObject().value(QStringLiteral("function")).toObject();
            m_calls << PendingCall {tc.toObject().value(QStringLiteral("id")).toString(),
                                    fn.value(QStringLiteral("name")).toString(),
                                    fn.value(QStringLiteral("arguments")).toString()};
        }
        m_turn.stopReason = choice.value(QStringLiteral("finish_reason")).toString();
        m_turn.model = o.value(QStringLiteral("model")).toString();
        readUsage(o.value(QStringLiteral("usage")).toObject(), m_turn.usage);
        assemble();
        return std::nullopt;
    }

    void onEvent(const SseEvent &e) override
    {
        if (m_failure || m_done)
            return;
        const QByteArray data = e.data.trimmed();
        if (data.isEmpty())
            return;
        if (data == "[DONE]") {
            m_done = true;
            return;
        }
        QJsonParseError err;
        const QJsonDocument doc = QJsonDocument::fromJson(data, &err);
        if (!doc.isObject()) {
            m_failure = StreamFailure {
                QStringLiteral("a stream chunk was not valid JSON (%1)").arg(err.errorString()),
                true};
            return;
        }
        const QJsonObject o = doc.object();
        if (o.contains(QStringLiteral("error"))) {
            m_failure = StreamFailure {ModelHttp::errorMessageFromBody(data), true};
            return;
        }
        if (m_turn.model.isEmpty())
            m_turn.model = o.value(QStringLiteral("model")).toString();
        readUsage(o.value(QStringLiteral("usage")).toObject(), m_turn.usage);
        for (const QJsonValue &cv : o.value(QStringLiteral("choices")).toArray()) {
            const QJsonObject choice = cv.toObject();
            const QJsonObject delta = choice.value(QStringLiteral("delta")).toObject();
            m_text += delta.value(QStringLiteral("content")).toString();
            for (const QJsonValue &tv : delta.value(QStringLiteral("tool_calls")).toArray()) {
                const QJsonObject tc = tv.toObject();
                const QString id = tc.value(QStringLiteral("id")).toString();
                qsizetype slot = -1;
                if (tc.contains(QStringLiteral("index"))) {
                    slot = tc.value(QStringLiteral("index")).toInt();
                } else if (!id.isEmpty()) {
                    // Older Ollama: no index, whole calls; match by id or append.
                    for (qsizetype i = 0; i < m_calls.size(); ++i) {
                        if (m_calls.at(i).id == id)
                            slot = i;
                    }
                    if (slot < 0)
                        slot = m_calls.size();
                } else {
                    slot = m_calls.isEmpty() ? 0 : m_calls.size() - 1;
                }
                if (slot < 0 || slot > 1000)
                    continue;
                while (m_calls.size() <= slot)
                    m_calls.append(PendingCall {});
                PendingCall &call = m_calls[slot];
                if (!id.isEmpty())
                    call.id = id;
                const QJsonObject fn = tc.value(QStringLiteral("function")).toObject();
                if (fn.contains(QStringLiteral("name"))
                    && !fn.value(QStringLiteral("name")).toString().isEmpty())
                    call.name = fn.value(QStringLiteral("name")).toString();
                call.arguments += fn.value(QStringLiteral("arguments")).toString();
            }
            const QJsonValue finish = choice.value(QStringLiteral("finish_reason"));
            if (finish.isString())
                m_turn.stopReason = finish.toString();
        }
    }

private:
    QString m_text;
    QList<PendingCall> m_calls;
    ChatTurn m_turn;
    bool m_done = false;
    std::optional<StreamFailure> m_failure;
};

} // namespace

OpenAiChatModel::OpenAiChatModel(LlmSettings settings, std::shared_ptr<RequestGovernor> governor)
    : m_settings(std::move(settings))
    , m_governor(std::move(governor))
{ }

QUrl OpenAiChatModel::requestUrl() const
{
    QString base = m_settings.baseUrl.toString();
    while (base.endsWith(QLatin1Char('/')))
        base.chop(1);
    return QUrl(base + QStringLiteral("/chat/completions"));
}

QJsonObject OpenAiChatModel::requestBody(const ChatRequest &request) const
{
    QJsonArray messages;
    if (!request.system.isEmpty())
        messages.append(QJsonObject {{QStringLiteral("role"), QStringLiteral("system")},
                                     {QStringLiteral("content"), request.system}});
    for (const ChatMessage &m : request.messages) {
        if (m.role == ChatMessage::Role::Assistant) {
            QJsonObject msg {{QStringLiteral("role"), QStringLiteral("assistant")}};
            QString text;
            QJsonArray calls;
            for (const ChatBlock &b : m.blocks) {
                if (b.kind == ChatBlock::Kind::Text)
                    text += b.text;
                if (b.kind == ChatBlock::Kind::ToolUse) {
                    const QString args = b.rawArguments.isEmpty()
                        ? QString::fromUtf8(QJsonDocument(b.input).toJson(QJsonDocument::Compact))
                        : b.rawArguments;
                    calls.append(QJsonObject {{QStringLiteral("id"), b.id},
                                              {QStringLiteral("type"), QStringLiteral("function")},
                                              {QStringLiteral("function"),
                                               QJsonObject {{QStringLiteral("name"), b.name},
                                                            {QStringLiteral("arguments"), args}}}});
                }
            }
            msg.insert(QStringLiteral("content"),
                       text.isEmpty() ? QJsonValue(QJsonValue::Null) : QJsonValue(text));
            if (!calls.isEmpty())
                msg.insert(QStringLiteral("tool_calls"), calls);
            messages.append(msg);
            continue;
        }
        // A user turn: tool results become `tool` messages, text a user message.
        QString text;
        for (const ChatBlock &b : m.blocks) {
            if (b.kind == ChatBlock::Kind::ToolResult) {
                messages.append(
                    QJsonObject {{QStringLiteral("role"), QStringLiteral("tool")},
                                 {QStringLiteral("tool_call_id"), b.id},
                                 {QStringLiteral("content"),
                                  b.isError ? QStringLiteral("Error: ") + b.text : b.text}});
            } else if (b.kind == ChatBlock::Kind::Text) {
                text += b.text;
            }
        }
        if (!text.isEmpty())
            messages.append(QJsonObject {{QStringLiteral("role"), QStringLiteral("user")},
                                         {QStringLiteral("content"), text}});
    }

    QJsonObject body {{QStringLiteral("model"), request.model},
                      {QStringLiteral("messages"), messages},
                      {QStringLiteral("max_tokens"), request.maxTokens}};
    if (request.tools && !request.tools->isEmpty()) {
        QJsonArray tools;
        for (const AgentTool &tool : request.tools->tools()) {
            tools.append(
                QJsonObject {{QStringLiteral("type"), QStringLiteral("function")},
                             {QStringLiteral("function"),
                              QJsonObject {{QStringLiteral("name"), tool.name},
                                           {QStringLiteral("description"), tool.description},
                                           {QStringLiteral("parameters"), tool.inputSchema}}}});
        }
        body.insert(QStringLiteral("tools"), tools);
        body.insert(QStringLiteral("tool_choice"), QStringLiteral("auto"));
    }
    if (m_streaming) {
        body.insert(QStringLiteral("stream"), true);
        body.insert(QStringLiteral("stream_options"),
                    QJsonObject {{QStringLiteral("include_usage"), true}});
    }
    return body;
}

Result<ChatTurn> OpenAiChatModel::complete(const ChatRequest &request,
                                           const CancellationToken &cancel,
                                           const AgentEventSink &events)
{
    ModelHttpRequest http;
    http.url = requestUrl();
    http.provider = providerName();
    http.body = QJsonDocument(requestBody(request)).toJson(QJsonDocument::Compact);
    http.idleTimeoutMs = m_settings.idleTimeoutMs;
    http.totalTimeoutMs = m_settings.requestTimeoutMs;
    if (!m_settings.apiKey.isEmpty())
        http.headers << qMakePair(QByteArrayLiteral("authorization"),
                                  "Bearer " + m_settings.apiKey.toUtf8());
    if (m_streaming)
        http.headers << qMakePair(QByteArrayLiteral("accept"),
                                  QByteArrayLiteral("text/event-stream"));

    OpenAiConsumer consumer(m_streaming);
    const Result<void> sent = ModelHttp::post(http, consumer, *m_governor, cancel, events);
    if (!sent)
        return sent.error();
    ChatTurn turn = consumer.takeTurn();
    if (turn.model.isEmpty())
        turn.model = request.model;
    return turn;
}

} // namespace ktx
