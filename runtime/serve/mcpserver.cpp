#include "serve/mcpserver.h"

#include "serve/jsonrpc.h"
#include "serve/mcpsession.h"

#include <QElapsedTimer>
#include <QJsonArray>
#include <QJsonDocument>

#include <algorithm>
#include <memory>

namespace ktx {

namespace {

const QString V20241105 = QStringLiteral("2024-11-05");
const QString V20250326 = QStringLiteral("2025-03-26");
const QString V20250618 = QStringLiteral("2025-06-18");
const QString V20251125 = QStringLiteral("2025-11-25");

// Protocol versions are dates, so string order is time order.
bool atLeast(const QString &version, const QString &than)
{
    return version >= than;
}

const QStringList &logLevels()
{
    static const QStringList levels {QStringLiteral("debug"),  QStringLiteral("info"),
                                     QStringLiteral("notice"), QStringLiteral("warning"),
                                     QStringLiteral("error"),  QStringLiteral("critical"),
                                     QStringLiteral("alert"),  QStringLiteral("emergency")};
    return levels;
}

QString describeId(const QJsonValue &id)
{
    return id.isString() ? QLatin1Char('"') + id.toString() + QLatin1Char('"')
                         : QString::number(id.toDouble(), 'g', 17);
}

} // namespace

McpServer::McpServer(ToolSet tools, QObject *parent)
    : QObject(parent)
    , m_tools(std::move(tools))
    , m_name(QStringLiteral("ktx"))
    , m_version(QStringLiteral(KTX_VERSION))
{
    qRegisterMetaType<McpToolCall>();
    m_pool.setMaxThreadCount(std::max(4, QThread::idealThreadCount()));
}

McpServer::~McpServer()
{
    for (PendingCall &call : m_pending)
        call.token.cancel();
    m_pool.waitForDone();
}

void McpServer::setServerInfo(const QString &name, const QString &version, const QString &title)
{
    m_name = name;
    m_version = version;
    m_title = title;
}

QStringList McpServer::supportedProtocolVersions()
{
    return {V20251125, V20250618, V20250326, V20241105};
}

QString McpServer::latestProtocolVersion()
{
    return V20251125;
}

bool McpServer::handle(McpSession *session, QByteArrayView text, const Reply &reply)
{
    QString error;
    const QJsonValue message = JsonRpc::parse(text, &error);
    if (message.isUndefined()) {
        reply(JsonRpc::encode(JsonRpc::error(QJsonValue::Null, JsonRpc::ParseError,
                                             QStringLiteral("Parse error: %1").arg(error))));
        return true;
    }
    return handle(session, message, reply);
}

bool McpServer::handle(McpSession *session, const QJsonValue &message, const Reply &reply)
{
    if (message.isArray())
        return handleBatch(session, message.toArray(), reply);
    return handleOne(session, message, [reply](const QJsonObject &answer) {
        reply(answer.isEmpty() ? QByteArray() : JsonRpc::encode(answer));
    });
}

bool McpServer::handleBatch(McpSession *session, const QJsonArray &batch, const Reply &reply)
{
    if (batch.isEmpty()) {
        reply(JsonRpc::encode(JsonRpc::error(QJsonValue::Null, JsonRpc::InvalidRequest,
                                             QStringLiteral("Invalid Request: empty batch"))));
        return true;
    }
    if (!session->isInitialized() || session->protocolVersion() != V20250326) {
        const QString version = session->isInitialized() ? session->protocolVersion()
                                                         : QStringLiteral("(not initialized)");
        reply(JsonRpc::encode(JsonRpc::error(
            QJsonValue::Null, JsonRpc::InvalidRequest,
            QStringLiteral("Invalid Request: JSON-RPC batches are not supported in protocol "
                           "version %1; send one message at a time")
                .arg(version))));
        return true;
    }

    // Answers may come back in any order and some synchronously; `pending`
    // starts at one so the batch cannot complete while it is still being read.
    struct Batch
    {
        QJsonArray answers;
        int pending = 1;
        Reply reply;
    };
    auto state = std::make_shared<Batch>();
    state->reply = reply;
    auto settle = [state] {
        if (--state->pending > 0)
            return;
        state->reply(state->answers.isEmpty()
                         ? QByteArray()
                         : QJsonDocument(state->answers).toJson(QJsonDocument::Compact));
    };
    bool anyAnswer = false;
    for (const QJsonValue &message : batch) {
        ++state->pending;
        const bool answers
            = handleOne(session, message, [state, settle](const QJsonObject &answer) {
                  if (!answer.isEmpty())
                      state->answers.append(answer);
                  settle();
              });
        if (answers)
            anyAnswer = true;
        else
            --state->pending;
    }
    if (!anyAnswer)
        return false; // only notifications: nothing to send, and settle() would send "[]"
    settle();
    return true;
}

bool McpServer::handleOne(McpSession *session, const QJsonValue &message, const ObjectReply &reply)
{
    if (!message.isObject()) {
        reply(JsonRpc::error(QJsonValue::Null, JsonRpc::InvalidRequest,
                             QStringLiteral("Invalid Request: a message must be a JSON object")));
        return true;
    }
    const QJsonObject object = message.toObject();
    const bool hasId = object.contains(QLatin1String("id"));
    const QJsonValue id = object.value(QLatin1String("id"));
    if (!object.contains(QLatin1String("method"))) {
        // A response to a server-to-client request; we send none, so nothing
        // is waiting for it.
        if (object.contains(QLatin1String("result")) || object.contains(QLatin1String("error")))
            return false;
        reply(JsonRpc::error(JsonRpc::isValidId(id) ? id : QJsonValue::Null,
                             JsonRpc::InvalidRequest,
                             QStringLiteral("Invalid Request: \"method\" is missing")));
        return true;
    }
    if (hasId && !JsonRpc::isValidId(id)) {
        reply(JsonRpc::error(
            QJsonValue::Null, JsonRpc::InvalidRequest,
            QStringLiteral("Invalid Request: \"id\" must be a string or an integer")));
        return true;
    }
    const QJsonValue replyId = hasId ? id : QJsonValue(QJsonValue::Null);
    if (object.value(QLatin1String("jsonrpc")) != QLatin1String("2.0")) {
        reply(JsonRpc::error(replyId, JsonRpc::InvalidRequest,
                             QStringLiteral("Invalid Request: \"jsonrpc\" must be \"2.0\"")));
        return true;
    }
    const QJsonValue method = object.value(QLatin1String("method"));
    if (!method.isString()) {
        reply(JsonRpc::error(replyId, JsonRpc::InvalidRequest,
                             QStringLiteral("Invalid Request: \"method\" must be a string")));
        return true;
    }
    const QJsonValue params = object.value(QLatin1String("params"));
    if (!params.isUndefined() && !params.isObject()) {
        if (!hasId)
            return false; // a malformed notification gets no answer either
        reply(JsonRpc::error(id,
                             params.isArray() ? JsonRpc::InvalidParams : JsonRpc::InvalidRequest,
                             QStringLiteral("Invalid params: \"params\" must be an object")));
        return true;
    }
    if (!hasId) {
        handleNotification(session, method.toString(), params.toObject());
        return false;
    }
    return handleRequest(session, id, method.toString(), params.toObject(), reply);
}

void McpServer::handleNotification(McpSession *session, const QString &method,
                                   const QJsonObject &params)
{
    if (method == QLatin1String("notifications/initialized")) {
        session->m_clientReady = true;
    } else if (method == QLatin1String("notifications/cancelled")) {
        const QJsonValue requestId = params.value(QLatin1String("requestId"));
        if (JsonRpc::isValidId(requestId))
            cancel(session, requestId);
    }
    // Other notifications (roots/list_changed, progress, ...) need nothing from
    // a tools-only server.
}

bool McpServer::handleRequest(McpSession *session, const QJsonValue &id, const QString &method,
                              const QJsonObject &params, const ObjectReply &reply)
{
    if (method == QLatin1String("initialize")) {
        reply(initialize(session, id, params));
        return true;
    }
    if (method == QLatin1String("ping")) {
        reply(JsonRpc::result(id, QJsonObject()));
        return true;
    }
    if (!session->isInitialized()) {
        reply(JsonRpc::error(id, JsonRpc::InvalidRequest,
                             QStringLiteral("Invalid Request: the session is not initialized; "
                                            "send initialize first")));
        return true;
    }
    if (method == QLatin1String("tools/list")) {
        if (params.contains(QLatin1String("cursor"))) {
            // Every tool fits on the first page, so no cursor we issued exists.
            reply(JsonRpc::error(id, JsonRpc::InvalidParams,
                                 QStringLiteral("Invalid params: unknown cursor")));
            return true;
        }
        reply(JsonRpc::result(id, listTools(session->protocolVersion())));
        return true;
    }
    if (method == QLatin1String("tools/call"))
        return callTool(session, id, params, reply);
    if (method == QLatin1String("logging/setLevel")) {
        const QString level = params.value(QLatin1String("level")).toString();
        if (!logLevels().contains(level)) {
            reply(JsonRpc::error(id, JsonRpc::InvalidParams,
                                 QStringLiteral("Invalid params: \"level\" must be one of %1")
                                     .arg(logLevels().join(QLatin1String(", ")))));
            return true;
        }
        session->m_logLevel = level;
        reply(JsonRpc::result(id, QJsonObject()));
        return true;
    }
    // We offer no resources or prompts (and do not advertise them), but some
    // clients list them regardless; the true answer is an empty list.
    if (method == QLatin1String("resources/list")) {
        reply(JsonRpc::result(id, QJsonObject {{QStringLiteral("resources"), QJsonArray()}}));
        return true;
    }
    if (method == QLatin1String("resources/templates/list")) {
        reply(
            JsonRpc::result(id, QJsonObject {{QStringLiteral("resourceTemplates"), QJsonArray()}}));
        return true;
    }
    if (method == QLatin1String("prompts/list")) {
        reply(JsonRpc::result(id, QJsonObject {{QStringLiteral("prompts"), QJsonArray()}}));
        return true;
    }
    reply(JsonRpc::error(id, JsonRpc::MethodNotFound,
                         QStringLiteral("Method not found: %1").arg(method)));
    return true;
}

QJsonObject McpServer::initialize(McpSession *session, const QJsonValue &id,
                                  const QJsonObject &params)
{
    if (session->isInitialized())
        return JsonRpc::error(
            id, JsonRpc::InvalidRequest,
            QStringLiteral("Invalid Request: the session is already initialized"));
    const QJsonValue requested = params.value(QLatin1String("protocolVersion"));
    if (!requested.isString())
        return JsonRpc::error(
            id, JsonRpc::InvalidParams,
            QStringLiteral("Invalid params: \"protocolVersion\" must be a string such as \"%1\"")
                .arg(latestProtocolVersion()));
    // Echo a version we speak; otherwise offer our latest and let the client
    // decide whether it can live with it.
    const QString version = supportedProtocolVersions().contains(requested.toString())
        ? requested.toString()
        : latestProtocolVersion();
    session->m_protocolVersion = version;
    session->m_clientInfo = params.value(QLatin1String("clientInfo")).toObject();
    session->m_clientCapabilities = params.value(QLatin1String("capabilities")).toObject();

    QJsonObject serverInfo {{QStringLiteral("name"), m_name},
                            {QStringLiteral("version"), m_version}};
    if (!m_title.isEmpty() && atLeast(version, V20250618))
        serverInfo.insert(QStringLiteral("title"), m_title);
    QJsonObject result {{QStringLiteral("protocolVersion"), version},
                        {QStringLiteral("capabilities"),
                         QJsonObject {{QStringLiteral("tools"),
                                       QJsonObject {{QStringLiteral("listChanged"), false}}},
                                      {QStringLiteral("logging"), QJsonObject()}}},
                        {QStringLiteral("serverInfo"), serverInfo}};
    if (!m_instructions.isEmpty())
        result.insert(QStringLiteral("instructions"), m_instructions);
    return JsonRpc::result(id, result);
}

QJsonObject McpServer::listTools(const QString &version) const
{
    QJsonArray tools;
    for (const AgentTool &tool : m_tools.tools()) {
        QJsonObject entry {{QStringLiteral("name"), tool.name}};
        if (!tool.annotations.title.isEmpty() && atLeast(version, V20250618))
            entry.insert(QStringLiteral("title"), tool.annotations.title);
        entry.insert(QStringLiteral("description"), tool.description);
        // The spec wants an object schema, never null; a tool without
        // parameters takes none.
        QJsonObject input = tool.inputSchema;
        if (input.isEmpty())
            input = {{QStringLiteral("type"), QStringLiteral("object")},
                     {QStringLiteral("additionalProperties"), false}};
        else if (!input.contains(QLatin1String("type")))
            input.insert(QStringLiteral("type"), QStringLiteral("object"));
        entry.insert(QStringLiteral("inputSchema"), input);
        if (!tool.outputSchema.isEmpty() && atLeast(version, V20250618))
            entry.insert(QStringLiteral("outputSchema"), tool.outputSchema);
        if (atLeast(version, V20250326)) {
            // Explicit hints: the spec's defaults (not read-only, destructive,
            // open world) would make clients ask for approval on every call.
            QJsonObject annotations {
                {QStringLiteral("readOnlyHint"), tool.annotations.readOnly},
                {QStringLiteral("destructiveHint"), tool.annotations.destructive},
                {QStringLiteral("idempotentHint"), tool.annotations.idempotent},
                {QStringLiteral("openWorldHint"), tool.annotations.openWorld}};
            if (m_compactAnnotations) {
                // Left out only where the MCP default already says the same:
                // readOnly/idempotent default to false, and destructiveHint
                // means nothing for a read-only tool.
                if (!tool.annotations.readOnly)
                    annotations.remove(QStringLiteral("readOnlyHint"));
                else
                    annotations.remove(QStringLiteral("destructiveHint"));
                if (!tool.annotations.idempotent)
                    annotations.remove(QStringLiteral("idempotentHint"));
            }
            if (!tool.annotations.title.isEmpty())
                annotations.insert(QStringLiteral("title"), tool.annotations.title);
            entry.insert(QStringLiteral("annotations"), annotations);
        }
        if (atLeast(version, V20251125))
            entry.insert(
                QStringLiteral("execution"),
                QJsonObject {{QStringLiteral("taskSupport"), QStringLiteral("forbidden")}});
        tools.append(entry);
    }
    return QJsonObject {{QStringLiteral("tools"), tools}};
}

bool McpServer::callTool(McpSession *session, const QJsonValue &id, const QJsonObject &params,
                         const ObjectReply &reply)
{
    const QJsonValue name = params.value(QLatin1String("name"));
    if (!name.isString() || name.toString().isEmpty()) {
        reply(
            JsonRpc::error(id, JsonRpc::InvalidParams,
                           QStringLiteral("Invalid params: tools/call needs \"name\", a string")));
        return true;
    }
    const QJsonValue arguments = params.value(QLatin1String("arguments"));
    if (!arguments.isUndefined() && !arguments.isNull() && !arguments.isObject()) {
        reply(JsonRpc::error(id, JsonRpc::InvalidParams,
                             QStringLiteral("Invalid params: \"arguments\" must be an object")));
        return true;
    }
    if (!m_tools.contains(name.toString())) {
        reply(JsonRpc::error(id, JsonRpc::InvalidParams,
                             QStringLiteral("Unknown tool: %1. Available tools: %2")
                                 .arg(name.toString(), m_tools.names().join(QLatin1String(", ")))));
        return true;
    }
    const QString key = JsonRpc::idKey(id);
    if (session->m_inFlight.contains(key)) {
        reply(JsonRpc::error(id, JsonRpc::InvalidRequest,
                             QStringLiteral("Invalid Request: id %1 is already in use by a call "
                                            "in progress")
                                 .arg(describeId(id))));
        return true;
    }

    PendingCall call;
    call.session = session;
    call.key = key;
    call.reply = reply;
    call.record.serial = ++m_nextSerial;
    call.record.requestId = id;
    call.record.tool = name.toString();
    call.record.arguments = arguments.toObject();
    session->m_inFlight.insert(key, call.token);
    const quint64 serial = call.record.serial;
    const CancellationToken token = call.token;
    const McpToolCall started = call.record;
    m_pending.insert(serial, std::move(call));
    Q_EMIT toolCallStarted(started);

    const QString tool = started.tool;
    const QJsonObject input = started.arguments;
    m_pool.start([this, serial, tool, input, token] {
        QElapsedTimer timer;
        timer.start();
        ToolOutput output = m_tools.call(tool, input, token);
        const double ms = double(timer.nsecsElapsed()) / 1e6;
        QMetaObject::invokeMethod(
            this,
            [this, serial, output = std::move(output), ms] { finishCall(serial, output, ms); },
            Qt::QueuedConnection);
    });
    return true;
}

void McpServer::finishCall(quint64 serial, const ToolOutput &output, double durationMs)
{
    auto it = m_pending.find(serial);
    if (it == m_pending.end())
        return;
    PendingCall call = std::move(it.value());
    m_pending.erase(it);
    QString version = V20251125;
    if (call.session) {
        call.session->m_inFlight.remove(call.key);
        version = call.session->protocolVersion();
    }
    call.record.output = output;
    call.record.durationMs = durationMs;
    call.record.cancelled = call.token.isCancelled();
    Q_EMIT toolCallFinished(call.record);
    // A cancelled request gets no response (the spec's SHOULD NOT); the
    // transport decides how to close the exchange.
    if (call.record.cancelled)
        call.reply(QJsonObject());
    else
        call.reply(JsonRpc::result(call.record.requestId, toolResult(output, version)));
}

QJsonObject McpServer::toolResult(const ToolOutput &output, const QString &version) const
{
    QString text = output.text;
    // Clients that ignore structuredContent still get the data as text.
    if (text.isEmpty() && output.structured.isObject())
        text = QString::fromUtf8(
            QJsonDocument(output.structured.toObject()).toJson(QJsonDocument::Compact));
    else if (text.isEmpty() && output.structured.isArray())
        text = QString::fromUtf8(
            QJsonDocument(output.structured.toArray()).toJson(QJsonDocument::Compact));
    QJsonObject result {{QStringLiteral("content"),
                         QJsonArray {QJsonObject {{QStringLiteral("type"), QStringLiteral("text")},
                                                  {QStringLiteral("text"), text}}}},
                        {QStringLiteral("isError"), output.isError}};
    if (output.structured.isObject() && atLeast(version, V20250618))
        result.insert(QStringLiteral("structuredContent"), output.structured);
    return result;
}

void McpServer::cancel(McpSession *session, const QJsonValue &requestId)
{
    const auto it = session->m_inFlight.find(JsonRpc::idKey(requestId));
    if (it != session->m_inFlight.end())
        it->cancel();
}

} // namespace ktx
