#pragma once

#include "net/httprequest.h"

#include <QByteArray>
#include <QObject>

namespace ktx {

class HttpConnection;

// The answer to one request. The server creates one per request and hands it to
// the handler, which answers at once or later (asynchronously) with either
// respond() or beginStream() + write() + end(), or drops the connection with
// abort().
//
// Lifetime and threads: a responder lives in the server's thread and must be
// used only there. It is deleted (deleteLater) once its response is complete,
// or once the connection has gone; a handler that answers later keeps a
// QPointer<HttpResponder> and checks it. Calls after the response is complete,
// or after the client has gone, are ignored. To answer from a worker thread,
// post the answer back to the server's thread first.
class HttpResponder : public QObject
{
    Q_OBJECT

public:
    // How a streamed body is delimited: chunked transfer coding (the default;
    // the connection stays usable), or by closing the connection (what some
    // SSE servers do, and the only option for an HTTP/1.0 client).
    enum class Framing { Chunked, CloseDelimited };

    ~HttpResponder() override;

    const HttpRequest &request() const { return m_request; }

    // Sends a complete response. Content-Length is set from `body`;
    // Content-Length and Transfer-Encoding in `headers` are ignored.
    // "Connection: close" in `headers` closes the connection afterwards.
    // For HEAD requests and 204/304 statuses no body is sent.
    void respond(int status, const HttpHeaders &headers = {}, const QByteArray &body = {});

    // Starts a streamed response; write() sends body bytes as they come, end()
    // finishes it. HTTP/1.0 clients always get CloseDelimited framing.
    void beginStream(int status, const HttpHeaders &headers = {},
                     Framing framing = Framing::Chunked);
    // Returns false when the bytes cannot go anywhere (no stream started, the
    // response is complete, or the client has gone).
    bool write(const QByteArray &bytes);
    void end();

    // Drops the connection at once, mid-response if need be: what a server
    // crash or network cut looks like to the client. Other requests pipelined on
    // the same connection see disconnected().
    void abort();

    // False once the client has gone (or abort() was called).
    bool isConnected() const { return m_connection != nullptr; }
    // True once respond() or beginStream() has been called.
    bool hasStarted() const { return m_started; }
    // True once the response is complete (respond(), end()) or can no longer be.
    bool isFinished() const { return m_finished; }

    static QByteArray reasonPhrase(int status);

Q_SIGNALS:
    // The client went away before this response was complete. Long work for
    // the request (a tool call) should be cancelled.
    void disconnected();

private:
    friend class HttpConnection;
    HttpResponder(HttpConnection *connection, HttpRequest request, QObject *parent);

    QByteArray head(int status, const HttpHeaders &headers, const QByteArray &framing) const;
    void emitOutput(const QByteArray &bytes);
    void complete();
    void connectionLost();

    HttpConnection *m_connection;
    HttpRequest m_request;
    QByteArray m_pendingOutput; // output held back until earlier pipelined responses are sent
    bool m_started = false;
    bool m_finished = false;
    bool m_streaming = false;
    bool m_chunked = false;
    bool m_bodyless = false; // HEAD request or a status without a body
    bool m_closeAfter = false;
};

} // namespace ktx
