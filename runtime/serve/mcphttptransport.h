#pragma once

#include "core/result.h"
#include "net/httprequest.h"

#include <QHash>
#include <QHostAddress>
#include <QJsonObject>
#include <QJsonValue>
#include <QObject>
#include <QStringList>
#include <QUrl>

#include <functional>

namespace ktx {

class HttpResponder;
class HttpServer;
class McpServer;
class McpSession;

// MCP Streamable HTTP on our HttpServer, one endpoint (default /mcp):
// - POST: one JSON-RPC message (or a batch where the session allows it);
//   requests are answered with application/json, or with a one-event
//   text/event-stream when the client accepts only that; notifications and
//   responses get 202. Accept must allow one of the two (406), Content-Type must
//   be application/json (415).
// - initialize issues an Mcp-Session-Id (128 random bits, hex); every other
//   request must carry it (400 missing, 404 unknown); DELETE ends the session;
//   GET is 405 (no server-initiated stream).
// - MCP-Protocol-Version, when sent, must be a version we speak (400).
// - Bearer token, when set: "Authorization: Bearer <token>", compared in
//   constant time; otherwise 401 with WWW-Authenticate.
// - DNS-rebinding protection: Host must be a loopback name (or an allowed
//   host) and Origin, when present, a loopback or allowed origin (403).
// When the client disconnects in the middle of a call, the call is cancelled.
class McpHttpTransport : public QObject
{
    Q_OBJECT

public:
    static constexpr qsizetype DefaultMaxBodyBytes = 4 * 1024 * 1024;
    static constexpr int DefaultMaxSessions = 256;

    explicit McpHttpTransport(McpServer *server, QObject *parent = nullptr);
    ~McpHttpTransport() override;

    // Empty (the default) means no authentication: fine only for loopback.
    void setBearerToken(const QByteArray &token) { m_token = token; }
    // Host names (optionally "name:port") accepted besides localhost,
    // 127.0.0.1 and ::1.
    void setAllowedHosts(const QStringList &hosts) { m_allowedHosts = hosts; }
    // Full origins ("https://app.example.com") accepted besides loopback ones.
    void setAllowedOrigins(const QStringList &origins) { m_allowedOrigins = origins; }
    void setPath(const QString &path) { m_path = path; }
    // When set, GET /health answers 200 with this JSON (after the Host and
    // Origin checks, without the bearer token: it reveals no project data a
    // token protects, and lets scripts tell a live daemon from a dead one).
    void setHealthProvider(std::function<QJsonObject()> provider)
    {
        m_health = std::move(provider);
    }
    QString path() const { return m_path; }
    void setMaxBodyBytes(qsizetype bytes);
    // Beyond this, the least recently used idle session is dropped to make room.
    void setMaxSessions(int sessions) { m_maxSessions = sessions; }

    // Listens on its own HttpServer. Refuses a non-loopback address without a
    // bearer token.
    Result<void> listen(const QHostAddress &address = QHostAddress::LocalHost, quint16 port = 0);
    void close();
    quint16 serverPort() const;
    // http://<address>:<port><path>, e.g. http://127.0.0.1:40123/mcp.
    QUrl url() const;

    // Serves one HTTP request; public so the endpoint can be mounted on
    // another HttpServer (one that also serves /health, say). Requests for
    // other paths get 404.
    void handle(const HttpRequest &request, HttpResponder *responder);

    int sessionCount() const { return int(m_sessions.size()); }

private:
    enum class ReplyMode { Json, EventStream };

    bool hostAllowed(const QByteArray &host) const;
    bool originAllowed(const QByteArray &origin) const;
    bool authorized(const HttpRequest &request) const;
    void handlePost(const HttpRequest &request, HttpResponder *responder);
    void handleDelete(const HttpRequest &request, HttpResponder *responder);
    McpSession *sessionFor(const HttpRequest &request, HttpResponder *responder);
    McpSession *startSession(QString *id);
    void deliver(HttpResponder *responder, ReplyMode mode, bool takesSse, const QByteArray &message,
                 const QJsonValue &requestId, const QByteArray &newSessionId);
    void fail(HttpResponder *responder, int status, int code, const QString &message,
              const HttpHeaders &extraHeaders = {});

    McpServer *m_server;
    HttpServer *m_http = nullptr;
    QByteArray m_token;
    QStringList m_allowedHosts;
    QStringList m_allowedOrigins;
    QString m_path = QStringLiteral("/mcp");
    std::function<QJsonObject()> m_health;
    qsizetype m_maxBodyBytes = DefaultMaxBodyBytes;
    int m_maxSessions = DefaultMaxSessions;
    QHash<QString, McpSession *> m_sessions;
    QHash<McpSession *, quint64> m_lastUse;
    quint64 m_useCounter = 0;
};

} // namespace ktx
