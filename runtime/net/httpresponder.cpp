#include "net/httpresponder.h"

#include "net/httpconnection.h"

namespace ktx {

namespace {

bool statusHasNoBody(int status)
{
    return (status >= 100 && status < 200) || status == 204 || status == 304;
}

// Header values come from handlers; a stray CR or LF must not start a new
// header or end the head early.
QByteArray sanitized(QByteArray value)
{
    for (char &c : value) {
        if (c == '\r' || c == '\n')
            c = ' ';
    }
    return value;
}

} // namespace

HttpResponder::HttpResponder(HttpConnection *connection, HttpRequest request, QObject *parent)
    : QObject(parent)
    , m_connection(connection)
    , m_request(std::move(request))
{ }

HttpResponder::~HttpResponder()
{
    if (m_connection)
        m_connection->responderDestroyed(this);
}

QByteArray HttpResponder::reasonPhrase(int status)
{
    switch (status) {
    case 100:
        return "Continue";
    case 200:
        return "OK";
    case 201:
        return "Created";
    case 202:
        return "Accepted";
    case 204:
        return "No Content";
    case 301:
        return "Moved Permanently";
    case 302:
        return "Found";
    case 304:
        return "Not Modified";
    case 400:
        return "Bad Request";
    case 401:
        return "Unauthorized";
    case 403:
        return "Forbidden";
    case 404:
        return "Not Found";
    case 405:
        return "Method Not Allowed";
    case 406:
        return "Not Acceptable";
    case 408:
        return "Request Timeout";
    case 409:
        return "Conflict";
    case 413:
        return "Content Too Large";
    case 415:
        return "Unsupported Media Type";
    case 417:
        return "Expectation Failed";
    case 429:
        return "Too Many Requests";
    case 431:
        return "Request Header Fields Too Large";
    case 500:
        return "Internal Server Error";
    case 501:
        return "Not Implemented";
    case 502:
        return "Bad Gateway";
    case 503:
        return "Service Unavailable";
    case 504:
        return "Gateway Timeout";
    case 505:
        return "HTTP Version Not Supported";
    case 529:
        return "Overloaded";
    default:
        return "Status";
    }
}

QByteArray HttpResponder::head(int status, const HttpHeaders &headers,
                               const QByteArray &framing) const
{
    QByteArray out;
    out.reserve(256);
    out += "HTTP/1.1 " + QByteArray::number(status) + ' ' + reasonPhrase(status) + "\r\n";
    for (const auto &[name, value] : headers) {
        const QByteArrayView n(name);
        if (n.compare("Content-Length", Qt::CaseInsensitive) == 0
            || n.compare("Transfer-Encoding", Qt::CaseInsensitive) == 0
            || n.compare("Connection", Qt::CaseInsensitive) == 0
            || n.compare("Keep-Alive", Qt::CaseInsensitive) == 0)
            continue;
        out += sanitized(name) + ": " + sanitized(value) + "\r\n";
    }
    out += framing;
    if (m_closeAfter) {
        out += "Connection: close\r\n";
    } else {
        if (m_request.versionMinor == 0)
            out += "Connection: keep-alive\r\n";
        // Lets keep-alive clients (Node's undici) retire a connection before
        // our idle timer does, instead of racing it with a new request.
        if (m_connection && m_connection->m_settings.idleTimeoutMs >= 2000)
            out += "Keep-Alive: timeout="
                + QByteArray::number(m_connection->m_settings.idleTimeoutMs / 1000 - 1) + "\r\n";
    }
    out += "\r\n";
    return out;
}

void HttpResponder::respond(int status, const HttpHeaders &headers, const QByteArray &body)
{
    if (m_started || m_finished || !m_connection)
        return;
    m_started = true;
    m_bodyless = m_request.method == "HEAD" || statusHasNoBody(status);
    if (httpHeaderHasToken(headers, "Connection", "close"))
        m_closeAfter = true;
    QByteArray framing;
    if (!statusHasNoBody(status))
        framing = "Content-Length: " + QByteArray::number(body.size()) + "\r\n";
    QByteArray bytes = head(status, headers, framing);
    if (!m_bodyless)
        bytes += body;
    emitOutput(bytes);
    complete();
}

void HttpResponder::beginStream(int status, const HttpHeaders &headers, Framing framing)
{
    if (m_started || m_finished || !m_connection)
        return;
    m_started = true;
    m_streaming = true;
    m_bodyless = m_request.method == "HEAD" || statusHasNoBody(status);
    if (httpHeaderHasToken(headers, "Connection", "close"))
        m_closeAfter = true;
    QByteArray framingHeader;
    if (statusHasNoBody(status)) {
        m_chunked = false;
    } else if (framing == Framing::CloseDelimited || m_request.versionMinor == 0) {
        m_chunked = false;
        m_closeAfter = true;
    } else {
        m_chunked = true;
        framingHeader = "Transfer-Encoding: chunked\r\n";
    }
    emitOutput(head(status, headers, framingHeader));
}

bool HttpResponder::write(const QByteArray &bytes)
{
    if (!m_streaming || m_finished || !m_connection)
        return false;
    if (bytes.isEmpty() || m_bodyless)
        return true; // an empty chunk would end the body
    if (m_chunked)
        emitOutput(QByteArray::number(bytes.size(), 16) + "\r\n" + bytes + "\r\n");
    else
        emitOutput(bytes);
    return true;
}

void HttpResponder::end()
{
    if (!m_streaming || m_finished || !m_connection)
        return;
    if (m_chunked && !m_bodyless)
        emitOutput("0\r\n\r\n");
    complete();
}

void HttpResponder::abort()
{
    if (!m_connection)
        return;
    m_finished = true; // the caller knows; it gets no disconnected() of its own
    HttpConnection *connection = std::exchange(m_connection, nullptr);
    connection->m_queue.removeOne(this);
    deleteLater();
    connection->closeNow();
}

void HttpResponder::emitOutput(const QByteArray &bytes)
{
    if (m_connection)
        m_connection->output(this, bytes);
}

void HttpResponder::complete()
{
    m_finished = true;
    if (m_connection)
        m_connection->responseComplete(this);
}

void HttpResponder::connectionLost()
{
    m_connection = nullptr;
    const bool wasWaiting = !m_finished;
    m_finished = true;
    deleteLater();
    if (wasWaiting)
        Q_EMIT disconnected();
}

} // namespace ktx
