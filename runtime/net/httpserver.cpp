#include "net/httpserver.h"

#include "net/httpconnection.h"
#include "net/httpresponder.h"

#include <QTcpServer>
#include <QTcpSocket>

namespace ktx {

HttpServer::HttpServer(QObject *parent)
    : QObject(parent)
    , m_server(new QTcpServer(this))
{
    connect(m_server, &QTcpServer::newConnection, this, &HttpServer::acceptConnections);
}

HttpServer::~HttpServer()
{
    close();
}

void HttpServer::setHandler(Handler handler)
{
    m_handler = std::move(handler);
}

Result<void> HttpServer::listen(const QHostAddress &address, quint16 port)
{
    if (m_server->isListening())
        return makeError(QStringLiteral("http_already_listening"),
                         QStringLiteral("The HTTP server is already listening on port %1.")
                             .arg(m_server->serverPort()));
    if (!m_server->listen(address, port))
        return makeError(QStringLiteral("http_listen_failed"),
                         QStringLiteral("Cannot listen on %1:%2: %3.")
                             .arg(address.toString())
                             .arg(port)
                             .arg(m_server->errorString()),
                         QStringLiteral("Pick another port, or use port 0 for a free one."));
    return {};
}

void HttpServer::close()
{
    m_server->close();
    const QSet<HttpConnection *> open = std::exchange(m_connections, {});
    for (HttpConnection *connection : open) {
        connection->disconnect(this);
        connection->closeNow();
    }
}

bool HttpServer::isListening() const
{
    return m_server->isListening();
}

quint16 HttpServer::serverPort() const
{
    return m_server->serverPort();
}

QHostAddress HttpServer::serverAddress() const
{
    return m_server->serverAddress();
}

void HttpServer::acceptConnections()
{
    const HttpConnection::Settings settings {m_maxHeaderBytes, m_maxBodyBytes,
                                             int(m_idleTimeout.count())};
    while (QTcpSocket *socket = m_server->nextPendingConnection()) {
        auto *connection = new HttpConnection(socket, this, settings);
        m_connections.insert(connection);
        connect(connection, &HttpConnection::closed, this,
                [this, connection] { m_connections.remove(connection); });
    }
}

void HttpServer::dispatch(const HttpRequest &request, HttpResponder *responder)
{
    if (!m_handler) {
        responder->respond(404, {{"Content-Type", "text/plain; charset=utf-8"}}, "Not found\n");
        return;
    }
    m_handler(request, responder);
}

} // namespace ktx
