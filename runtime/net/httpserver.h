#pragma once

#include "core/result.h"
#include "net/httprequest.h"

#include <QHostAddress>
#include <QObject>
#include <QSet>

#include <chrono>
#include <functional>

class QTcpServer;

namespace ktx {

class HttpConnection;
class HttpResponder;

// A small HTTP/1.1 server for loopback services (the MCP endpoint, fake model
// servers in tests): keep-alive, pipelining (answers in request order),
// Content-Length and chunked request bodies, streamed responses (chunked or
// close-delimited, for SSE), HEAD, and limits on head size (431), body size
// (413) and idle time. Everything runs in the thread the server lives in; the
// handler is called there and answers through the responder at once or later.
class HttpServer : public QObject
{
    Q_OBJECT

public:
    // Called once per request, in the server's thread. The handler must
    // eventually answer through `responder` (see HttpResponder), and must not
    // delete the server from inside the call (use deleteLater).
    using Handler = std::function<void(const HttpRequest &request, HttpResponder *responder)>;

    static constexpr qsizetype DefaultMaxHeaderBytes = 64 * 1024;
    static constexpr qsizetype DefaultMaxBodyBytes = 8 * 1024 * 1024;
    static constexpr std::chrono::milliseconds DefaultIdleTimeout {60'000};

    explicit HttpServer(QObject *parent = nullptr);
    ~HttpServer() override;

    // Without a handler every request gets 404.
    void setHandler(Handler handler);

    // Limits apply to connections accepted after the call.
    void setMaxHeaderBytes(qsizetype bytes) { m_maxHeaderBytes = bytes; }
    qsizetype maxHeaderBytes() const { return m_maxHeaderBytes; }
    void setMaxBodyBytes(qsizetype bytes) { m_maxBodyBytes = bytes; }
    qsizetype maxBodyBytes() const { return m_maxBodyBytes; }
    // A connection with no request in progress is closed after this long
    // without a byte from the client; zero disables the timer.
    void setIdleTimeout(std::chrono::milliseconds timeout) { m_idleTimeout = timeout; }
    std::chrono::milliseconds idleTimeout() const { return m_idleTimeout; }

    // Port 0 picks a free port; serverPort() tells which.
    Result<void> listen(const QHostAddress &address = QHostAddress::LocalHost, quint16 port = 0);
    // Stops accepting and drops every open connection.
    void close();
    bool isListening() const;
    quint16 serverPort() const;
    QHostAddress serverAddress() const;
    int connectionCount() const { return int(m_connections.size()); }

private:
    friend class HttpConnection;

    void acceptConnections();
    void dispatch(const HttpRequest &request, HttpResponder *responder);

    QTcpServer *m_server;
    Handler m_handler;
    QSet<HttpConnection *> m_connections;
    qsizetype m_maxHeaderBytes = DefaultMaxHeaderBytes;
    qsizetype m_maxBodyBytes = DefaultMaxBodyBytes;
    std::chrono::milliseconds m_idleTimeout = DefaultIdleTimeout;
};

} // namespace ktx
