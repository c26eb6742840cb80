#include "net/httpconnection.h"

#include "net/httpresponder.h"
#include "net/httpserver.h"

#include <QPointer>
#include <QTcpSocket>

namespace ktx {

namespace {
// Bytes Qt may buffer from the socket before we read them; beyond this, TCP
// flow control makes a client that pipelines faster than we answer wait.
constexpr qint64 SocketReadBufferBytes = 256 * 1024;
} // namespace

HttpConnection::HttpConnection(QTcpSocket *socket, HttpServer *server, const Settings &settings)
    : QObject(server)
    , m_socket(socket)
    , m_server(server)
    , m_settings(settings)
    , m_parser(settings.maxHeaderBytes, settings.maxBodyBytes)
{
    m_socket->setParent(this);
    m_socket->setReadBufferSize(SocketReadBufferBytes);
    connect(m_socket, &QTcpSocket::readyRead, this, &HttpConnection::readIncoming);
    connect(m_socket, &QTcpSocket::disconnected, this, &HttpConnection::teardown);
    connect(m_socket, &QTcpSocket::errorOccurred, this, &HttpConnection::teardown);
    m_idleTimer.setSingleShot(true);
    connect(&m_idleTimer, &QTimer::timeout, this, &HttpConnection::closeNow);
    updateIdleTimer();
    // Bytes may have arrived before we connected to readyRead.
    if (m_socket->bytesAvailable() > 0)
        QMetaObject::invokeMethod(this, &HttpConnection::readIncoming, Qt::QueuedConnection);
}

HttpConnection::~HttpConnection()
{
    // Responders are our children and die with us; make sure none calls back.
    for (HttpResponder *responder : std::as_const(m_queue))
        responder->m_connection = nullptr;
}

void HttpConnection::closeNow()
{
    if (m_closed)
        return;
    m_socket->abort();
    teardown();
}

void HttpConnection::readIncoming()
{
    if (m_closed)
        return;
    if (m_stopParsing) {
        // Nothing more will be answered; keep draining so a hang-up is noticed.
        m_socket->readAll();
        return;
    }
    if (m_queue.size() >= MaxPipelined)
        return; // resumed from advance() once answers have gone out
    const QByteArray bytes = m_socket->readAll();
    if (bytes.isEmpty())
        return;
    m_parser.append(bytes);
    if (m_queue.isEmpty())
        updateIdleTimer();
    processBuffered();
}

void HttpConnection::processBuffered()
{
    if (m_processing)
        return; // the loop further up the stack picks new work up
    m_processing = true;
    const QPointer<HttpConnection> self(this);
    while (!m_closed && !m_stopParsing && m_queue.size() < MaxPipelined) {
        const HttpRequestParser::Status status = m_parser.next();
        if (status == HttpRequestParser::Status::NeedMore) {
            // Interim responses may not cut into a response in progress.
            if (m_parser.expectsContinue() && m_queue.isEmpty()) {
                m_socket->write("HTTP/1.1 100 Continue\r\n\r\n");
                m_parser.continueSent();
            }
            break;
        }
        if (status == HttpRequestParser::Status::Failed) {
            refuse(m_parser.errorStatus(), m_parser.errorMessage());
            break;
        }
        HttpRequest request = m_parser.takeRequest();
        request.peerAddress = m_socket->peerAddress();
        request.peerPort = m_socket->peerPort();
        auto *responder = new HttpResponder(this, request, this);
        if (!request.wantsKeepAlive()) {
            responder->m_closeAfter = true;
            m_stopParsing = true;
        }
        m_queue.append(responder);
        m_idleTimer.stop();
        m_server->dispatch(responder->request(), responder);
        if (!self)
            return; // the handler destroyed the server
    }
    m_processing = false;
}

void HttpConnection::refuse(int status, const QByteArray &message)
{
    m_stopParsing = true;
    HttpRequest request;
    request.method = "GET";
    request.peerAddress = m_socket->peerAddress();
    request.peerPort = m_socket->peerPort();
    auto *responder = new HttpResponder(this, request, this);
    responder->m_closeAfter = true;
    m_queue.append(responder);
    m_idleTimer.stop();
    responder->respond(status, {{"Content-Type", "text/plain; charset=utf-8"}}, message + '\n');
}

void HttpConnection::output(HttpResponder *responder, const QByteArray &bytes)
{
    if (m_closed)
        return;
    if (m_queue.isEmpty() || m_queue.first() != responder) {
        responder->m_pendingOutput += bytes;
        return;
    }
    m_socket->write(bytes);
}

void HttpConnection::responseComplete(HttpResponder *responder)
{
    if (!m_queue.isEmpty() && m_queue.first() == responder)
        advance();
}

void HttpConnection::responderDestroyed(HttpResponder *responder)
{
    const bool wasUnfinished = !responder->m_finished;
    m_queue.removeOne(responder);
    // Without its answer the responses behind it cannot be sent in order.
    if (wasUnfinished)
        closeNow();
    else
        advance();
}

void HttpConnection::advance()
{
    while (!m_closed && !m_queue.isEmpty()) {
        HttpResponder *head = m_queue.first();
        if (!head->m_pendingOutput.isEmpty())
            m_socket->write(std::exchange(head->m_pendingOutput, QByteArray()));
        if (!head->m_finished)
            return;
        m_queue.removeFirst();
        head->m_connection = nullptr;
        head->deleteLater();
        if (head->m_closeAfter) {
            closeAfterWrites();
            return;
        }
    }
    if (m_closed)
        return;
    updateIdleTimer();
    // Requests held back while the pipeline was full.
    processBuffered();
    if (!m_closed && !m_stopParsing && m_queue.size() < MaxPipelined
        && m_socket->bytesAvailable() > 0)
        QMetaObject::invokeMethod(this, &HttpConnection::readIncoming, Qt::QueuedConnection);
}

void HttpConnection::closeAfterWrites()
{
    m_closing = true;
    m_stopParsing = true;
    // Anything still queued came after a request that asked to close.
    const QList<HttpResponder *> rest = std::exchange(m_queue, {});
    for (HttpResponder *responder : rest)
        responder->connectionLost();
    m_idleTimer.stop();
    m_socket->disconnectFromHost(); // flushes what is written, then closes
}

void HttpConnection::teardown()
{
    if (m_closed)
        return;
    m_closed = true;
    m_idleTimer.stop();
    const QList<HttpResponder *> waiting = std::exchange(m_queue, {});
    for (HttpResponder *responder : waiting)
        responder->connectionLost();
    if (m_socket->state() != QAbstractSocket::UnconnectedState)
        m_socket->abort();
    Q_EMIT closed();
    deleteLater();
}

void HttpConnection::updateIdleTimer()
{
    // Only a connection with no request in progress can be idle; a slow
    // handler (a long tool call, a stream) is not the client's fault.
    if (m_settings.idleTimeoutMs > 0 && m_queue.isEmpty() && !m_closing && !m_closed)
        m_idleTimer.start(m_settings.idleTimeoutMs);
}

} // namespace ktx
