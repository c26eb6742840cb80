#pragma once

#include "net/httprequestparser.h"

#include <QList>
#include <QObject>
#include <QTimer>

class QTcpSocket;

namespace ktx {

class HttpResponder;
class HttpServer;

// One client connection of an HttpServer (internal to runtime/net): parses
// requests off the socket, hands each to the server's handler with its own
// responder, and writes responses strictly in request order, holding back the
// output of later pipelined responses until the earlier ones are complete.
class HttpConnection : public QObject
{
    Q_OBJECT

public:
    struct Settings
    {
        qsizetype maxHeaderBytes = 0;
        qsizetype maxBodyBytes = 0;
        int idleTimeoutMs = 0;
    };

    HttpConnection(QTcpSocket *socket, HttpServer *server, const Settings &settings);
    ~HttpConnection() override;

    // Drops the connection now; responders still waiting see disconnected().
    void closeNow();

Q_SIGNALS:
    void closed();

private:
    friend class HttpResponder;

    // Requests parsed ahead of their answers; more waiting is back-pressure.
    static constexpr int MaxPipelined = 16;

    void readIncoming();
    void processBuffered();
    void refuse(int status, const QByteArray &message);
    void output(HttpResponder *responder, const QByteArray &bytes);
    void responseComplete(HttpResponder *responder);
    void responderDestroyed(HttpResponder *responder);
    void advance();
    void closeAfterWrites();
    void teardown();
    void updateIdleTimer();

    QTcpSocket *m_socket;
    HttpServer *m_server;
    Settings m_settings;
    HttpRequestParser m_parser;
    QList<HttpResponder *> m_queue; // oldest first; only the first one writes
    QTimer m_idleTimer;
    bool m_stopParsing = false; // a "Connection: close" request or a refused one was read
    bool m_closing = false;
    bool m_closed = false;
    bool m_processing = false;
};

} // namespace ktx
