#include "serve/mcphttptransport.h"

#include "net/httpresponder.h"
#include "net/httpserver.h"
#include "net/ssewriter.h"
#include "serve/jsonrpc.h"
#include "serve/mcpserver.h"
#include "serve/mcpsession.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QPointer>
#include <QRandomGenerator>

namespace ktx {

namespace {

const QStringList LoopbackNames {QStringLiteral("localhost"), QStringLiteral("127.0.0.1"),
                                 QStringLiteral("::1")};

// Compares every byte whatever the first difference, so response time tells
// an attacker nothing about how much of a guessed token was right.
bool equalConstantTime(QByteArrayView a, QByteArrayView b)
{
    unsigned char diff = a.size() == b.size() ? 0 : 1;
    const qsizetype n = std::max(a.size(), b.size());
    for (qsizetype i = 0; i < n; ++i) {
        const unsigned char x = i < a.size() ? static_cast<unsigned char>(a.at(i)) : 0;
        const unsigned char y = i < b.size() ? static_cast<unsigned char>(b.at(i)) : 0;
        diff |= x ^ y;
    }
    return diff == 0;
}

QByteArray mediaType(const QByteArray &value)
{
    return value.split(';').first().trimmed().toLower();
}

// Host header -> host name without port, lower case, IPv6 without brackets.
QString hostName(const QByteArray &host)
{
    const QString text = QString::fromLatin1(host).trimmed().toLower();
    if (text.startsWith(QLatin1Char('['))) {
        const qsizetype close = text.indexOf(QLatin1Char(']'));
        return close < 0 ? QString() : text.mid(1, close - 1);
    }
    const qsizetype colon = text.indexOf(QLatin1Char(':'));
    if (colon >= 0 && text.indexOf(QLatin1Char(':'), colon + 1) >= 0)
        return QString(); // a bare IPv6 address is not a valid Host
    return colon < 0 ? text : text.left(colon);
}

} // namespace

McpHttpTransport::McpHttpTransport(McpServer *server, QObject *parent)
    : QObject(parent)
    , m_server(server)
{ }

McpHttpTransport::~McpHttpTransport()
{
    // The HTTP server (a child) goes first so no responder outlives a session
    // it points at; sessions cancel their calls as they go.
    delete m_http;
    m_http = nullptr;
}

void McpHttpTransport::setMaxBodyBytes(qsizetype bytes)
{
    m_maxBodyBytes = bytes;
    if (m_http)
        m_http->setMaxBodyBytes(bytes);
}

Result<void> McpHttpTransport::listen(const QHostAddress &address, quint16 port)
{
    if (!address.isLoopback() && m_token.isEmpty())
        return makeError(QStringLiteral("mcp_token_required"),
                         QStringLiteral("Refusing to serve MCP on %1 without a bearer token.")
                             .arg(address.toString()),
                         QStringLiteral("Set a token (--token or KTX_MCP_TOKEN), or listen on "
                                        "127.0.0.1."));
    if (!m_http) {
        m_http = new HttpServer(this);
        m_http->setHandler([this](const HttpRequest &request, HttpResponder *responder) {
            handle(request, responder);
        });
    }
    m_http->setMaxBodyBytes(m_maxBodyBytes);
    const Result<void> listening = m_http->listen(address, port);
    if (!listening.ok())
        return listening;
    // A specific non-loopback address is a name clients may legitimately use.
    if (!address.isLoopback() && address != QHostAddress::Any && address != QHostAddress::AnyIPv4
        && address != QHostAddress::AnyIPv6)
        m_allowedHosts << address.toString();
    return {};
}

void McpHttpTransport::close()
{
    if (m_http)
        m_http->close();
}

quint16 McpHttpTransport::serverPort() const
{
    return m_http ? m_http->serverPort() : 0;
}

QUrl McpHttpTransport::url() const
{
    if (!m_http)
        return {};
    QHostAddress address = m_http->serverAddress();
    if (address == QHostAddress::Any || address == QHostAddress::AnyIPv4)
        address = QHostAddress(QHostAddress::LocalHost);
    else if (address == QHostAddress::AnyIPv6)
        address = QHostAddress(QHostAddress::LocalHostIPv6);
    QUrl url;
    url.setScheme(QStringLiteral("http"));
    url.setHost(address.toString());
    url.setPort(m_http->serverPort());
    url.setPath(m_path);
    return url;
}

bool McpHttpTransport::hostAllowed(const QByteArray &host) const
{
    const QString name = hostName(host);
    if (name.isEmpty())
        return false;
    if (LoopbackNames.contains(name))
        return true;
    const QString full = QString::fromLatin1(host).trimmed().toLower();
    for (const QString &allowed : m_allowedHosts) {
        // "name" allows any port, "name:port" only that one.
        QString entry = allowed.trimmed().toLower();
        if (entry.startsWith(QLatin1Char('[')) && entry.endsWith(QLatin1Char(']')))
            entry = entry.mid(1, entry.size() - 2);
        if (entry == name || entry == full)
            return true;
    }
    return false;
}

bool McpHttpTransport::originAllowed(const QByteArray &origin) const
{
    const QString text = QString::fromLatin1(origin).trimmed();
    const QUrl url(text);
    if (url.isValid()
        && (url.scheme() == QLatin1String("http") || url.scheme() == QLatin1String("https"))
        && LoopbackNames.contains(url.host().toLower()))
        return true;
    QString normalized = text.toLower();
    while (normalized.endsWith(QLatin1Char('/')))
        normalized.chop(1);
    for (const QString &allowed : m_allowedOrigins) {
        QString entry = allowed.toLower();
        while (entry.endsWith(QLatin1Char('/')))
            entry.chop(1);
        if (entry == normalized)
            return true;
    }
    return false;
}

bool McpHttpTransport::authorized(const HttpRequest &request) const
{
    if (m_token.isEmpty())
        return true;
    const QByteArray header = request.header("Authorization").trimmed();
    if (header.size() < 7
        || QByteArrayView(header).first(7).compare("Bearer ", Qt::CaseInsensitive) != 0)
        return false;
    return equalConstantTime(header.mid(7).trimmed(), m_token);
}

void McpHttpTransport::fail(HttpResponder *responder, int status, int code, const QString &message,
                            const HttpHeaders &extraHeaders)
{
    HttpHeaders headers {{"Content-Type", "application/json"}};
    headers += extraHeaders;
    responder->respond(status, headers,
                       JsonRpc::encode(JsonRpc::error(QJsonValue::Null, code, message)));
}

void McpHttpTransport::handle(const HttpRequest &request, HttpResponder *responder)
{
    // DNS rebinding: a web page whose name now points at 127.0.0.1 sends its
    // own Host and Origin; refuse both before anything else.
    if (!hostAllowed(request.header("Host"))) {
        fail(responder, 403, JsonRpc::TransportError,
             QStringLiteral("Forbidden: Host header %1 is not allowed")
                 .arg(QString::fromLatin1(request.header("Host"))));
        return;
    }
    if (request.hasHeader("Origin") && !originAllowed(request.header("Origin"))) {
        fail(responder, 403, JsonRpc::TransportError,
             QStringLiteral("Forbidden: Origin %1 is not allowed")
                 .arg(QString::fromLatin1(request.header("Origin"))));
        return;
    }
    if (m_health && request.path == QLatin1String("/health")
        && (request.method == "GET" || request.method == "HEAD")) {
        responder->respond(200, {{"Content-Type", "application/json"}},
                           QJsonDocument(m_health()).toJson(QJsonDocument::Compact));
        return;
    }
    if (request.path != m_path) {
        responder->respond(404, {{"Content-Type", "text/plain; charset=utf-8"}}, "Not found\n");
        return;
    }
    if (!authorized(request)) {
        const bool sentToken = request.hasHeader("Authorization");
        QByteArray challenge = "Bearer realm=\"ktx\"";
        if (sentToken)
            challenge += ", error=\"invalid_token\"";
        fail(responder, 401, JsonRpc::TransportError,
             sentToken ? QStringLiteral("Unauthorized: the bearer token is not valid")
                       : QStringLiteral("Unauthorized: send Authorization: Bearer <token>"),
             {{"WWW-Authenticate", challenge}});
        return;
    }
    if (request.method == "POST") {
        handlePost(request, responder);
    } else if (request.method == "DELETE") {
        handleDelete(request, responder);
    } else {
        // GET would open a server-to-client stream; a tools-only server has
        // nothing to say unprompted.
        fail(responder, 405, JsonRpc::TransportError,
             QStringLiteral("Method not allowed: use POST (or DELETE to end a session)"),
             {{"Allow", "POST, DELETE"}});
    }
}

McpSession *McpHttpTransport::sessionFor(const HttpRequest &request, HttpResponder *responder)
{
    const QByteArray id = request.header("Mcp-Session-Id");
    if (id.isEmpty()) {
        fail(responder, 400, JsonRpc::TransportError,
             QStringLiteral("Bad Request: Mcp-Session-Id header is required"));
        return nullptr;
    }
    McpSession *session = m_sessions.value(QString::fromLatin1(id));
    if (!session) {
        fail(responder, 404, JsonRpc::SessionNotFound,
             QStringLiteral("Session not found: initialize a new session"));
        return nullptr;
    }
    m_lastUse[session] = ++m_useCounter;
    return session;
}

McpSession *McpHttpTransport::startSession(QString *id)
{
    if (m_sessions.size() >= m_maxSessions) {
        // Make room by dropping the least recently used session that is not
        // in the middle of a call.
        McpSession *oldest = nullptr;
        for (auto it = m_lastUse.cbegin(); it != m_lastUse.cend(); ++it) {
            if (it.key()->callsInFlight() == 0 && (!oldest || it.value() < m_lastUse.value(oldest)))
                oldest = it.key();
        }
        if (!oldest)
            return nullptr;
        m_sessions.remove(m_sessions.key(oldest));
        m_lastUse.remove(oldest);
        oldest->deleteLater();
    }
    quint32 words[4];
    QRandomGenerator::system()->fillRange(words);
    *id = QString::fromLatin1(
        QByteArray(reinterpret_cast<const char *>(words), sizeof words).toHex());
    return new McpSession(this);
}

void McpHttpTransport::handlePost(const HttpRequest &request, HttpResponder *responder)
{
    bool takesJson = !request.hasHeader("Accept");
    bool takesSse = false;
    for (const QByteArray &range : request.header("Accept").split(',')) {
        const QByteArray type = mediaType(range);
        takesJson
            = takesJson || type == "application/json" || type == "application/*" || type == "*/*";
        takesSse = takesSse || type == "text/event-stream" || type == "text/*" || type == "*/*";
    }
    if (!takesJson && !takesSse) {
        fail(responder, 406, JsonRpc::TransportError,
             QStringLiteral("Not Acceptable: accept application/json or text/event-stream"));
        return;
    }
    if (mediaType(request.header("Content-Type")) != "application/json") {
        fail(responder, 415, JsonRpc::TransportError,
             QStringLiteral("Unsupported Media Type: Content-Type must be application/json"));
        return;
    }
    QString parseError;
    const QJsonValue message = JsonRpc::parse(request.body, &parseError);
    if (message.isUndefined()) {
        fail(responder, 400, JsonRpc::ParseError,
             QStringLiteral("Parse error: %1").arg(parseError));
        return;
    }

    QList<QJsonObject> messages;
    if (message.isArray()) {
        for (const QJsonValue &item : message.toArray())
            messages << item.toObject();
    } else {
        messages << message.toObject();
    }
    bool initialize = false;
    QList<QJsonValue> requestIds;
    for (const QJsonObject &item : std::as_const(messages)) {
        if (item.value(QLatin1String("method")) == QLatin1String("initialize"))
            initialize = true;
        if (item.contains(QLatin1String("method"))
            && JsonRpc::isValidId(item.value(QLatin1String("id"))))
            requestIds << item.value(QLatin1String("id"));
    }
    if (initialize && message.isArray()) {
        fail(responder, 400, JsonRpc::InvalidRequest,
             QStringLiteral("Invalid Request: initialize must not be part of a batch"));
        return;
    }

    McpSession *session = nullptr;
    QString newSessionId;
    if (initialize && !request.hasHeader("Mcp-Session-Id")) {
        session = startSession(&newSessionId);
        if (!session) {
            fail(responder, 503, JsonRpc::TransportError,
                 QStringLiteral("Service Unavailable: too many sessions with calls in progress"));
            return;
        }
    } else {
        session = sessionFor(request, responder);
        if (!session)
            return;
        const QByteArray version = request.header("MCP-Protocol-Version");
        if (!version.isEmpty()
            && !McpServer::supportedProtocolVersions().contains(QString::fromLatin1(version))) {
            fail(responder, 400, JsonRpc::TransportError,
                 QStringLiteral("Bad Request: unsupported MCP-Protocol-Version %1 (supported: %2)")
                     .arg(QString::fromLatin1(version),
                          McpServer::supportedProtocolVersions().join(QLatin1String(", "))));
            return;
        }
    }

    const ReplyMode mode = takesJson ? ReplyMode::Json : ReplyMode::EventStream;
    const QPointer<HttpResponder> target(responder);
    const QPointer<McpSession> sessionGuard(session);
    const QJsonValue firstId = requestIds.value(0);
    const bool answers = m_server->handle(session, message, [=, this](const QByteArray &reply) {
        QByteArray sessionHeader;
        if (!newSessionId.isEmpty() && sessionGuard) {
            // The session exists only once initialize succeeded.
            if (QJsonDocument::fromJson(reply).object().contains(QLatin1String("result"))) {
                m_sessions.insert(newSessionId, sessionGuard);
                m_lastUse.insert(sessionGuard, ++m_useCounter);
                sessionHeader = newSessionId.toLatin1();
            } else {
                sessionGuard->deleteLater();
            }
        }
        if (target)
            deliver(target, mode, takesSse, reply, firstId, sessionHeader);
    });
    if (!answers) {
        if (!newSessionId.isEmpty() && sessionGuard && !m_sessions.contains(newSessionId))
            sessionGuard->deleteLater();
        responder->respond(202);
        return;
    }
    if (target && !target->isFinished()) {
        McpServer *server = m_server;
        connect(responder, &HttpResponder::disconnected, session, [server, session, requestIds] {
            for (const QJsonValue &id : requestIds)
                server->cancel(session, id);
        });
    }
}

void McpHttpTransport::deliver(HttpResponder *responder, ReplyMode mode, bool takesSse,
                               const QByteArray &message, const QJsonValue &requestId,
                               const QByteArray &newSessionId)
{
    if (responder->isFinished())
        return;
    HttpHeaders extra;
    if (!newSessionId.isEmpty())
        extra.append({"Mcp-Session-Id", newSessionId});
    if (message.isEmpty()) {
        // Cancelled: no JSON-RPC response, but the HTTP exchange must end.
        // An empty event stream says exactly that; a JSON-only client gets
        // an error it can ignore.
        if (takesSse) {
            responder->beginStream(200, SseWriter::streamHeaders() + extra);
            responder->end();
        } else {
            responder->respond(
                200, HttpHeaders {{"Content-Type", "application/json"}} + extra,
                JsonRpc::encode(JsonRpc::error(requestId, JsonRpc::RequestCancelled,
                                               QStringLiteral("Request cancelled"))));
        }
        return;
    }
    if (mode == ReplyMode::Json) {
        responder->respond(200, HttpHeaders {{"Content-Type", "application/json"}} + extra,
                           message);
        return;
    }
    responder->beginStream(200, SseWriter::streamHeaders() + extra);
    responder->write(SseWriter::encode("message", message));
    responder->end();
}

void McpHttpTransport::handleDelete(const HttpRequest &request, HttpResponder *responder)
{
    McpSession *session = sessionFor(request, responder);
    if (!session)
        return;
    m_sessions.remove(QString::fromLatin1(request.header("Mcp-Session-Id")));
    m_lastUse.remove(session);
    session->cancelAll();
    session->deleteLater();
    responder->respond(200);
}

} // namespace ktx
