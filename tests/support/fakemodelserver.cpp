#include "fakemodelserver.h"

#include "net/httpresponder.h"
#include "net/httpserver.h"
#include "net/ssewriter.h"

#include <QCryptographicHash>
#include <QJsonArray>
#include <QJsonDocument>
#include <QTimer>

namespace ktx::test {

namespace {

QByteArray json(const QJsonObject &o)
{
    return QJsonDocument(o).toJson(QJsonDocument::Compact);
}

QString textOf(const QJsonValue &content)
{
    if (content.isString())
        return content.toString();
    QString text = QStringLiteral("");
    for (const QJsonValue &v : content.toArray()) {
        const QJsonObject b = v.toObject();
        const QString type = b.value(QStringLiteral("type")).toString();
        if (type == QLatin1String("text") || type == QLatin1String("input_text")
            || type == QLatin1String("output_text"))
            text += b.value(QStringLiteral("text")).toString();
    }
    return text;
}

void collectToolNames(const QJsonArray &tools, const QString &prefix, QStringList &out)
{
    for (const QJsonValue &v : tools) {
        const QJsonObject t = v.toObject();
        if (t.value(QStringLiteral("type")).toString() == QLatin1String("namespace")) {
            collectToolNames(t.value(QStringLiteral("tools")).toArray(),
                             t.value(QStringLiteral("name")).toString(), out);
            continue;
        }
        QString name = t.value(QStringLiteral("name")).toString();
        if (name.isEmpty())
            name = t.value(QStringLiteral("function"))
                       .toObject()
                       .value(QStringLiteral("name"))
                       .toString();
        if (!name.isEmpty())
            out << (prefix.isEmpty() ? name : prefix + QLatin1Char('\x1f') + name);
    }
}

// Drops the connection once what was written has had time to reach the client,
// so the client sees a stream that started and then broke (not a request that
// never got an answer, which HTTP clients silently resend).
void cutLater(HttpResponder *responder)
{
    QTimer::singleShot(150, responder, [responder] { responder->abort(); });
}

} // namespace

FakeModelServer::Reply FakeModelServer::Reply::say(QString text)
{
    Reply r;
    r.text = std::move(text);
    return r;
}

FakeModelServer::Reply FakeModelServer::Reply::call(QString tool, QJsonObject arguments)
{
    Reply r;
    r.kind = Kind::ToolCall;
    r.tool = std::move(tool);
    r.arguments = std::move(arguments);
    return r;
}

FakeModelServer::Reply FakeModelServer::Reply::httpError(int status, QString errorType,
                                                         int retryAfterSeconds)
{
    Reply r;
    r.kind = Kind::HttpError;
    r.status = status;
    r.errorType = std::move(errorType);
    r.retryAfterSeconds = retryAfterSeconds;
    return r;
}

FakeModelServer::Reply FakeModelServer::Reply::of(Kind kind)
{
    Reply r;
    r.kind = kind;
    return r;
}

QStringList FakeModelServer::Request::toolNames() const
{
    QStringList names;
    collectToolNames(body.value(QStringLiteral("tools")).toArray(), QString(), names);
    return names;
}

QString FakeModelServer::Request::toolName(const QString &shortName) const
{
    for (const QString &full : toolNames()) {
        const QString name = full.section(QLatin1Char('\x1f'), -1);
        if (name == shortName || name.endsWith(QStringLiteral("__") + shortName)
            || name.endsWith(QLatin1Char('.') + shortName))
            return full;
    }
    return {};
}

QString FakeModelServer::Request::lastUserText() const
{
    const QJsonArray messages = body.contains(QStringLiteral("input"))
        ? body.value(QStringLiteral("input")).toArray()
        : body.value(QStringLiteral("messages")).toArray();
    for (qsizetype i = messages.size() - 1; i >= 0; --i) {
        const QJsonObject m = messages.at(i).toObject();
        if (m.value(QStringLiteral("role")).toString() == QLatin1String("user")) {
            const QString t = textOf(m.value(QStringLiteral("content")));
            if (!t.isEmpty())
                return t;
        }
    }
    return {};
}

QString FakeModelServer::Request::lastToolResult() const
{
    if (body.contains(QStringLiteral("input"))) { // Responses
        const QJsonArray input = body.value(QStringLiteral("input")).toArray();
        for (qsizetype i = input.size() - 1; i >= 0; --i) {
            const QJsonObject item = input.at(i).toObject();
            const QString type = item.value(QStringLiteral("type")).toString();
            if (type == QLatin1String("function_call_output")
                || type == QLatin1String("custom_tool_call_output"))
                return textOf(item.value(QStringLiteral("output")));
            if (item.value(QStringLiteral("role")).toString() == QLatin1String("user"))
                return {};
        }
        return {};
    }
    const QJsonArray messages = body.value(QStringLiteral("messages")).toArray();
    if (messages.isEmpty())
        return {};
    const QJsonObject last = messages.last().toObject();
    if (last.value(QStringLiteral("role")).toString() == QLatin1String("tool"))
        return textOf(last.value(QStringLiteral("content")));
    for (const QJsonValue &v : last.value(QStringLiteral("content")).toArray()) {
        const QJsonObject b = v.toObject();
        if (b.value(QStringLiteral("type")).toString() == QLatin1String("tool_result"))
            return textOf(b.value(QStringLiteral("content")));
    }
    return {};
}

int FakeModelServer::Request::toolResultCount() const
{
    int n = 0;
    const QJsonArray items = body.contains(QStringLiteral("input"))
        ? body.value(QStringLiteral("input")).toArray()
        : body.value(QStringLiteral("messages")).toArray();
    for (const QJsonValue &v : items) {
        const QJsonObject m = v.toObject();
        if (m.value(QStringLiteral("type")).toString() == QLatin1String("function_call_output")
            || m.value(QStringLiteral("role")).toString() == QLatin1String("tool"))
            ++n;
        for (const QJsonValue &b : m.value(QStringLiteral("content")).toArray())
            n += b.toObject().value(QStringLiteral("type")).toString()
                    == QLatin1String("tool_result")
                ? 1
                : 0;
    }
    return n;
}

FakeModelServer::FakeModelServer()
{
    m_thread.setObjectName(QStringLiteral("fake-model-server"));
    // The server is created in its thread, through a context object that lives there.
    m_context = new QObject();
    m_context->moveToThread(&m_thread);
    m_thread.start();
    QMetaObject::invokeMethod(
        m_context,
        [this] {
            m_server = new HttpServer();
            m_server->setHandler(
                [this](const HttpRequest &r, HttpResponder *responder) { handle(r, responder); });
            if (m_server->listen(QHostAddress::LocalHost, 0))
                m_port = m_server->serverPort();
        },
        Qt::BlockingQueuedConnection);
}

FakeModelServer::~FakeModelServer()
{
    QMetaObject::invokeMethod(
        m_context,
        [this] {
            delete m_server;
            delete m_context;
        },
        Qt::BlockingQueuedConnection);
    m_thread.quit();
    m_thread.wait();
}

QUrl FakeModelServer::baseUrl() const
{
    return QUrl(QStringLiteral("http://127.0.0.1:%1").arg(m_port));
}

void FakeModelServer::setScript(Script script)
{
    QMutexLocker lock(&m_mutex);
    m_script = std::move(script);
}

QList<FakeModelServer::Request> FakeModelServer::requests() const
{
    QMutexLocker lock(&m_mutex);
    return m_requests;
}

int FakeModelServer::requestCount() const
{
    QMutexLocker lock(&m_mutex);
    return int(m_requests.size());
}

void FakeModelServer::handle(const HttpRequest &http, HttpResponder *responder)
{
    // Claude Code's runtime probes the base URL with HEAD before the first call.
    if (http.method == "HEAD" || (http.method == "GET" && http.path == QLatin1String("/"))) {
        responder->respond(200, {{"content-type", "text/plain"}}, "ok");
        return;
    }
    if (http.path.endsWith(QLatin1String("/messages/count_tokens"))) {
        responder->respond(200, {{"content-type", "application/json"}}, R"({"input_tokens":42})");
        return;
    }
    if (http.path.endsWith(QLatin1String("/embeddings"))) {
        // Deterministic vectors: the same text always maps to the same vector.
        const QJsonObject body = QJsonDocument::fromJson(http.body).object();
        {
            QMutexLocker lock(&m_mutex);
            m_requests << Request {http.method, http.path, http.headers, body, http.body};
        }
        const int dims = body.value(QStringLiteral("dimensions")).toInt(8);
        QJsonArray data;
        const QJsonArray input = body.value(QStringLiteral("input")).toArray();
        // Answer in reverse order, as the API may: clients must sort by index.
        for (qsizetype i = input.size() - 1; i >= 0; --i) {
            const QByteArray hash = QCryptographicHash::hash(input.at(i).toString().toUtf8(),
                                                             QCryptographicHash::Sha256);
            QJsonArray vec;
            for (int d = 0; d < dims; ++d)
                vec.append(double(quint8(hash.at(d % hash.size()))) / 255.0);
            data.append(QJsonObject {{QStringLiteral("object"), QStringLiteral("embedding")},
                                     {QStringLiteral("index"), int(i)},
                                     {QStringLiteral("embedding"), vec}});
        }
        responder->respond(200, {{"content-type", "application/json"}},
                           json({{QStringLiteral("object"), QStringLiteral("list")},
                                 {QStringLiteral("data"), data},
                                 {QStringLiteral("model"), body.value(QStringLiteral("model"))},
                                 {QStringLiteral("usage"),
                                  QJsonObject {{QStringLiteral("prompt_tokens"), 5},
                                               {QStringLiteral("total_tokens"), 5}}}}));
        return;
    }
    enum class Api { Messages, Chat, Responses } api;
    if (http.path.endsWith(QLatin1String("/messages"))
        || http.path.endsWith(QLatin1String(":streamRawPredict"))
        || http.path.endsWith(QLatin1String(":rawPredict")))
        api = Api::Messages;
    else if (http.path.endsWith(QLatin1String("/chat/completions")))
        api = Api::Chat;
    else if (http.path.endsWith(QLatin1String("/responses")))
        api = Api::Responses;
    else {
        responder->respond(404, {{"content-type", "application/json"}},
                           R"({"error":{"message":"no such endpoint in the fake"}})");
        return;
    }

    Request request;
    request.method = http.method;
    request.path = http.path;
    request.headers = http.headers;
    request.rawBody = http.body;
    request.body = QJsonDocument::fromJson(http.body).object();
    Script script;
    int index = 0;
    {
        QMutexLocker lock(&m_mutex);
        m_requests << request;
        index = int(m_requests.size());
        script = m_script;
    }
    const Reply reply = script ? script(request, index)
                               : Reply::say(QStringLiteral("Hello from the fake model."));
    const bool streaming = api == Api::Responses
        || request.body.value(QStringLiteral("stream")).toBool()
        || http.path.endsWith(QLatin1String(":streamRawPredict"));

    if (reply.kind == Reply::Kind::HttpError) {
        HttpHeaders headers {{"content-type", "application/json"}};
        if (reply.retryAfterSeconds >= 0)
            headers.append({"retry-after", QByteArray::number(reply.retryAfterSeconds)});
        const QJsonObject body = api == Api::Messages
            ? QJsonObject {{QStringLiteral("type"), QStringLiteral("error")},
                           {QStringLiteral("error"),
                            QJsonObject {{QStringLiteral("type"), reply.errorType},
                                         {QStringLiteral("message"),
                                          QStringLiteral("fake %1").arg(reply.errorType)}}}}
            : QJsonObject {{QStringLiteral("error"),
                            QJsonObject {{QStringLiteral("type"), reply.errorType},
                                         {QStringLiteral("message"),
                                          QStringLiteral("fake %1").arg(reply.errorType)}}}};
        responder->respond(reply.status, headers, json(body));
        return;
    }

    const QString toolName
        = reply.kind == Reply::Kind::ToolCall ? request.toolName(reply.tool) : QString();
    const QString toolNamespace = toolName.contains(QLatin1Char('\x1f'))
        ? toolName.section(QLatin1Char('\x1f'), 0, 0)
        : QString();
    const QString plainToolName
        = toolName.isEmpty() ? reply.tool : toolName.section(QLatin1Char('\x1f'), -1);
    const QString argsJson = QString::fromUtf8(json(reply.arguments));
    static std::atomic_int counter {0};
    const int n = ++counter;
    const QString callId = QStringLiteral("call_fake_%1").arg(n);

    if (!streaming) {
        QJsonObject body;
        if (api == Api::Messages) {
            QJsonArray content;
            if (reply.kind == Reply::Kind::ToolCall)
                content.append(
                    QJsonObject {{QStringLiteral("type"), QStringLiteral("tool_use")},
                                 {QStringLiteral("id"), QStringLiteral("toolu_%1").arg(n)},
                                 {QStringLiteral("name"), plainToolName},
                                 {QStringLiteral("input"), reply.arguments}});
            else
                content.append(QJsonObject {{QStringLiteral("type"), QStringLiteral("text")},
                                            {QStringLiteral("text"), reply.text}});
            body = {{QStringLiteral("id"), QStringLiteral("msg_fake_%1").arg(n)},
                    {QStringLiteral("type"), QStringLiteral("message")},
                    {QStringLiteral("role"), QStringLiteral("assistant")},
                    {QStringLiteral("model"), request.body.value(QStringLiteral("model"))},
                    {QStringLiteral("content"), content},
                    {QStringLiteral("stop_reason"),
                     reply.kind == Reply::Kind::ToolCall ? QStringLiteral("tool_use")
                                                         : QStringLiteral("end_turn")},
                    {QStringLiteral("usage"),
                     QJsonObject {{QStringLiteral("input_tokens"), reply.inputTokens},
                                  {QStringLiteral("output_tokens"), reply.outputTokens}}}};
        } else {
            QJsonObject message {{QStringLiteral("role"), QStringLiteral("assistant")}};
            if (reply.kind == Reply::Kind::ToolCall) {
                message.insert(QStringLiteral("content"), QJsonValue::Null);
                message.insert(QStringLiteral("tool_calls"),
                               QJsonArray {QJsonObject {
                                   {QStringLiteral("id"), callId},
                                   {QStringLiteral("type"), QStringLiteral("function")},
                                   {QStringLiteral("function"),
                                    QJsonObject {{QStringLiteral("name"), plainToolName},
                                                 {QStringLiteral("arguments"), argsJson}}}}});
            } else {
                message.insert(QStringLiteral("content"), reply.text);
            }
            body = {{QStringLiteral("id"), QStringLiteral("chatcmpl-%1").arg(n)},
                    {QStringLiteral("object"), QStringLiteral("chat.completion")},
                    {QStringLiteral("model"), request.body.value(QStringLiteral("model"))},
                    {QStringLiteral("choices"),
                     QJsonArray {QJsonObject {{QStringLiteral("index"), 0},
                                              {QStringLiteral("message"), message},
                                              {QStringLiteral("finish_reason"),
                                               reply.kind == Reply::Kind::ToolCall
                                                   ? QStringLiteral("tool_calls")
                                                   : QStringLiteral("stop")}}}},
                    {QStringLiteral("usage"),
                     QJsonObject {{QStringLiteral("prompt_tokens"), reply.inputTokens},
                                  {QStringLiteral("completion_tokens"), reply.outputTokens},
                                  {QStringLiteral("total_tokens"),
                                   reply.inputTokens + reply.outputTokens}}}};
        }
        responder->respond(200, {{"content-type", "application/json"}}, json(body));
        return;
    }

    // Streams are close-delimited, as simple servers (and the CLIs' own test fakes) do.
    responder->beginStream(200, SseWriter::streamHeaders(), HttpResponder::Framing::CloseDelimited);
    auto send = [responder](const char *type, const QJsonObject &data) {
        responder->write(SseWriter::encode(QByteArray(type), json(data)));
    };

    if (reply.kind == Reply::Kind::Malformed) {
        responder->write("event: message_start\ndata: {this is not json\n\ndata: [1,2\n\n");
        responder->end();
        return;
    }
    if (reply.kind == Reply::Kind::Stall)
        return; // hold the stream open; the client's idle timeout must fire

    if (api == Api::Messages) {
        const QString msgId = QStringLiteral("msg_fake_%1").arg(n);
        send("message_start",
             {{QStringLiteral("type"), QStringLiteral("message_start")},
              {QStringLiteral("message"),
               QJsonObject {{QStringLiteral("id"), msgId},
                            {QStringLiteral("type"), QStringLiteral("message")},
                            {QStringLiteral("role"), QStringLiteral("assistant")},
                            {QStringLiteral("model"), request.body.value(QStringLiteral("model"))},
                            {QStringLiteral("content"), QJsonArray {}},
                            {QStringLiteral("stop_reason"), QJsonValue::Null},
                            {QStringLiteral("usage"),
                             QJsonObject {{QStringLiteral("input_tokens"), reply.inputTokens},
                                          {QStringLiteral("output_tokens"), 1}}}}}});
        if (reply.kind == Reply::Kind::CutStream) {
            send("content_block_start",
                 {{QStringLiteral("type"), QStringLiteral("content_block_start")},
                  {QStringLiteral("index"), 0},
                  {QStringLiteral("content_block"),
                   QJsonObject {{QStringLiteral("type"), QStringLiteral("text")},
                                {QStringLiteral("text"), QString()}}}});
            cutLater(responder);
            return;
        }
        if (reply.kind == Reply::Kind::InStreamError) {
            send("error",
                 {{QStringLiteral("type"), QStringLiteral("error")},
                  {QStringLiteral("error"),
                   QJsonObject {{QStringLiteral("type"), QStringLiteral("overloaded_error")},
                                {QStringLiteral("message"), QStringLiteral("Overloaded")}}}});
            responder->end();
            return;
        }
        send("ping", {{QStringLiteral("type"), QStringLiteral("ping")}});
        if (reply.kind == Reply::Kind::ToolCall) {
            send("content_block_start",
                 {{QStringLiteral("type"), QStringLiteral("content_block_start")},
                  {QStringLiteral("index"), 0},
                  {QStringLiteral("content_block"),
                   QJsonObject {{QStringLiteral("type"), QStringLiteral("tool_use")},
                                {QStringLiteral("id"), QStringLiteral("toolu_fake_%1").arg(n)},
                                {QStringLiteral("name"), plainToolName},
                                {QStringLiteral("input"), QJsonObject {}}}}});
            // Arguments arrive in pieces, split mid-token, as real streams do.
            const qsizetype half = argsJson.size() / 2;
            for (const QString &part : {argsJson.left(half), argsJson.mid(half)}) {
                send("content_block_delta",
                     {{QStringLiteral("type"), QStringLiteral("content_block_delta")},
                      {QStringLiteral("index"), 0},
                      {QStringLiteral("delta"),
                       QJsonObject {{QStringLiteral("type"), QStringLiteral("input_json_delta")},
                                    {QStringLiteral("partial_json"), part}}}});
            }
        } else {
            send("content_block_start",
                 {{QStringLiteral("type"), QStringLiteral("content_block_start")},
                  {QStringLiteral("index"), 0},
                  {QStringLiteral("content_block"),
                   QJsonObject {{QStringLiteral("type"), QStringLiteral("text")},
                                {QStringLiteral("text"), QString()}}}});
            const qsizetype half = reply.text.size() / 2;
            for (const QString &part : {reply.text.left(half), reply.text.mid(half)}) {
                send("content_block_delta",
                     {{QStringLiteral("type"), QStringLiteral("content_block_delta")},
                      {QStringLiteral("index"), 0},
                      {QStringLiteral("delta"),
                       QJsonObject {{QStringLiteral("type"), QStringLiteral("text_delta")},
                                    {QStringLiteral("text"), part}}}});
            }
        }
        send("content_block_stop",
             {{QStringLiteral("type"), QStringLiteral("content_block_stop")},
              {QStringLiteral("index"), 0}});
        send("message_delta",
             {{QStringLiteral("type"), QStringLiteral("message_delta")},
              {QStringLiteral("delta"),
               QJsonObject {{QStringLiteral("stop_reason"),
                             reply.kind == Reply::Kind::ToolCall ? QStringLiteral("tool_use")
                                                                 : QStringLiteral("end_turn")},
                            {QStringLiteral("stop_sequence"), QJsonValue::Null}}},
              {QStringLiteral("usage"),
               QJsonObject {{QStringLiteral("output_tokens"), reply.outputTokens}}}});
        send("message_stop", {{QStringLiteral("type"), QStringLiteral("message_stop")}});
        responder->end();
        return;
    }

    if (api == Api::Chat) {
        auto chunk = [&](const QJsonObject &delta, const QJsonValue &finish) {
            const QJsonObject c {
                {QStringLiteral("id"), QStringLiteral("chatcmpl-%1").arg(n)},
                {QStringLiteral("object"), QStringLiteral("chat.completion.chunk")},
                {QStringLiteral("model"), request.body.value(QStringLiteral("model"))},
                {QStringLiteral("choices"),
                 QJsonArray {QJsonObject {{QStringLiteral("index"), 0},
                                          {QStringLiteral("delta"), delta},
                                          {QStringLiteral("finish_reason"), finish}}}}};
            responder->write("data: " + json(c) + "\n\n");
        };
        chunk({{QStringLiteral("role"), QStringLiteral("assistant")}}, QJsonValue::Null);
        if (reply.kind == Reply::Kind::CutStream) {
            cutLater(responder);
            return;
        }
        if (reply.kind == Reply::Kind::InStreamError) {
            responder->write(R"(data: {"error":{"message":"fake overload","type":"server_error"}})"
                             "\n\n");
            responder->end();
            return;
        }
        if (reply.kind == Reply::Kind::ToolCall) {
            const qsizetype half = argsJson.size() / 2;
            chunk({{QStringLiteral("tool_calls"),
                    QJsonArray {QJsonObject {
                        {QStringLiteral("index"), 0},
                        {QStringLiteral("id"), callId},
                        {QStringLiteral("type"), QStringLiteral("function")},
                        {QStringLiteral("function"),
                         QJsonObject {{QStringLiteral("name"), plainToolName},
                                      {QStringLiteral("arguments"), argsJson.left(half)}}}}}}},
                  QJsonValue::Null);
            chunk({{QStringLiteral("tool_calls"),
                    QJsonArray {QJsonObject {
                        {QStringLiteral("index"), 0},
                        {QStringLiteral("function"),
                         QJsonObject {{QStringLiteral("arguments"), argsJson.mid(half)}}}}}}},
                  QJsonValue::Null);
            chunk({}, QStringLiteral("tool_calls"));
        } else {
            const qsizetype half = reply.text.size() / 2;
            chunk({{QStringLiteral("content"), reply.text.left(half)}}, QJsonValue::Null);
            chunk({{QStringLiteral("content"), reply.text.mid(half)}}, QJsonValue::Null);
            chunk({}, QStringLiteral("stop"));
        }
        const QJsonObject usage {
            {QStringLiteral("id"), QStringLiteral("chatcmpl-%1").arg(n)},
            {QStringLiteral("object"), QStringLiteral("chat.completion.chunk")},
            {QStringLiteral("choices"), QJsonArray {}},
            {QStringLiteral("usage"),
             QJsonObject {
                 {QStringLiteral("prompt_tokens"), reply.inputTokens},
                 {QStringLiteral("completion_tokens"), reply.outputTokens},
                 {QStringLiteral("total_tokens"), reply.inputTokens + reply.outputTokens}}}};
        responder->write("data: " + json(usage) + "\n\n");
        responder->write("data: [DONE]\n\n");
        responder->end();
        return;
    }

    // OpenAI Responses (Codex).
    const QString respId = QStringLiteral("resp_fake_%1").arg(n);
    send("response.created",
         {{QStringLiteral("type"), QStringLiteral("response.created")},
          {QStringLiteral("response"),
           QJsonObject {{QStringLiteral("id"), respId},
                        {QStringLiteral("status"), QStringLiteral("in_progress")}}}});
    if (reply.kind == Reply::Kind::CutStream) {
        cutLater(responder);
        return;
    }
    if (reply.kind == Reply::Kind::InStreamError) {
        send("response.failed",
             {{QStringLiteral("type"), QStringLiteral("response.failed")},
              {QStringLiteral("response"),
               QJsonObject {
                   {QStringLiteral("id"), respId},
                   {QStringLiteral("error"),
                    QJsonObject {{QStringLiteral("code"), QStringLiteral("server_error")},
                                 {QStringLiteral("message"), QStringLiteral("fake failure")}}}}}});
        responder->end();
        return;
    }
    QJsonObject item;
    if (reply.kind == Reply::Kind::ToolCall) {
        item = {{QStringLiteral("type"), QStringLiteral("function_call")},
                {QStringLiteral("id"), QStringLiteral("fc_fake_%1").arg(n)},
                {QStringLiteral("call_id"), callId},
                {QStringLiteral("name"), plainToolName},
                {QStringLiteral("arguments"), argsJson},
                {QStringLiteral("status"), QStringLiteral("completed")}};
        if (!toolNamespace.isEmpty())
            item.insert(QStringLiteral("namespace"), toolNamespace);
    } else {
        item = {{QStringLiteral("type"), QStringLiteral("message")},
                {QStringLiteral("id"), QStringLiteral("msg_fake_%1").arg(n)},
                {QStringLiteral("role"), QStringLiteral("assistant")},
                {QStringLiteral("status"), QStringLiteral("completed")},
                {QStringLiteral("content"),
                 QJsonArray {QJsonObject {{QStringLiteral("type"), QStringLiteral("output_text")},
                                          {QStringLiteral("text"), reply.text},
                                          {QStringLiteral("annotations"), QJsonArray {}}}}}};
        send("response.output_item.added",
             {{QStringLiteral("type"), QStringLiteral("response.output_item.added")},
              {QStringLiteral("output_index"), 0},
              {QStringLiteral("item"), item}});
        send("response.output_text.delta",
             {{QStringLiteral("type"), QStringLiteral("response.output_text.delta")},
              {QStringLiteral("delta"), reply.text}});
    }
    send("response.output_item.done",
         {{QStringLiteral("type"), QStringLiteral("response.output_item.done")},
          {QStringLiteral("output_index"), 0},
          {QStringLiteral("item"), item}});
    send("response.completed",
         {{QStringLiteral("type"), QStringLiteral("response.completed")},
          {QStringLiteral("response"),
           QJsonObject {{QStringLiteral("id"), respId},
                        {QStringLiteral("status"), QStringLiteral("completed")},
                        {QStringLiteral("usage"),
                         QJsonObject {{QStringLiteral("input_tokens"), reply.inputTokens},
                                      {QStringLiteral("input_tokens_details"), QJsonValue::Null},
                                      {QStringLiteral("output_tokens"), reply.outputTokens},
                                      {QStringLiteral("output_tokens_details"), QJsonValue::Null},
                                      {QStringLiteral("total_tokens"),
                                       reply.inputTokens + reply.outputTokens}}}}}});
    responder->end();
}

} // namespace ktx::test
