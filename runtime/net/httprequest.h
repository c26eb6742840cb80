#pragma once

#include <QByteArray>
#include <QByteArrayView>
#include <QHostAddress>
#include <QList>
#include <QString>
#include <QUrlQuery>

#include <utility>

namespace ktx {

// Header fields in the order they arrived (requests) or will be sent (responses).
// Names keep the sender's spelling; every lookup ignores case, as HTTP requires.
using HttpHeaders = QList<std::pair<QByteArray, QByteArray>>;

// The first value of header `name` in `headers`, or an empty array.
QByteArray httpHeaderValue(const HttpHeaders &headers, QByteArrayView name);

// True when the comma-separated header `name` lists `token` (ignoring case and
// spaces), e.g. httpHeaderHasToken(h, "Connection", "close").
bool httpHeaderHasToken(const HttpHeaders &headers, QByteArrayView name, QByteArrayView token);

// One complete HTTP/1.x request as the server hands it to a handler: the body is
// already de-chunked and within the server's size limit.
struct HttpRequest
{
    QByteArray method; // as sent, e.g. "GET", "POST"
    QByteArray target; // the raw request-target, e.g. "/mcp?debug=1"
    QString path; // percent-decoded path of the target, e.g. "/mcp"
    QUrlQuery query; // the target's query, e.g. debug=1
    int versionMinor = 1; // 1 for HTTP/1.1, 0 for HTTP/1.0
    HttpHeaders headers;
    QByteArray body;
    QHostAddress peerAddress;
    quint16 peerPort = 0;

    QByteArray header(QByteArrayView name) const { return httpHeaderValue(headers, name); }
    bool hasHeader(QByteArrayView name) const;
    QList<QByteArray> headerValues(QByteArrayView name) const;
    bool headerHasToken(QByteArrayView name, QByteArrayView token) const
    {
        return httpHeaderHasToken(headers, name, token);
    }
    // Whether the client asked to keep the connection open after this exchange
    // (HTTP/1.1 unless "Connection: close"; HTTP/1.0 only with "keep-alive").
    bool wantsKeepAlive() const;
};

} // namespace ktx
