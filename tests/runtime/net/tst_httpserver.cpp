#include "net/httpresponder.h"
#include "net/httpserver.h"
#include "net/sseparser.h"
#include "net/ssewriter.h"

#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QPointer>
#include <QTcpSocket>
#include <QTest>
#include <QTimer>

#include <optional>

using namespace ktx;
using namespace std::chrono_literals;

namespace {

struct Response
{
    int status = 0;
    HttpHeaders headers;
    QByteArray body;
    QByteArray header(QByteArrayView name) const { return httpHeaderValue(headers, name); }
};

// A deliberately dumb HTTP client on a raw socket, so tests control every byte
// sent and see every byte received (pipelining, half requests, hang-ups).
class RawClient : public QObject
{
public:
    explicit RawClient(quint16 port)
    {
        connect(&socket, &QTcpSocket::readyRead, this, [this] { buffer += socket.readAll(); });
        connect(&socket, &QTcpSocket::disconnected, this, [this] { closed = true; });
        socket.connectToHost(QHostAddress::LocalHost, port);
    }
    bool waitConnected()
    {
        return QTest::qWaitFor([this] { return socket.state() == QAbstractSocket::ConnectedState; },
                               5000);
    }
    void send(const QByteArray &bytes)
    {
        if (socket.state() != QAbstractSocket::ConnectedState)
            QVERIFY(waitConnected());
        socket.write(bytes);
        socket.flush();
    }
    bool waitClosed(int ms = 5000)
    {
        return QTest::qWaitFor([this] { return closed; }, ms);
    }
    // A complete response from the front of the buffer, or nothing yet.
    std::optional<Response> take(bool headRequest = false)
    {
        const qsizetype headEnd = buffer.indexOf("\r\n\r\n");
        if (headEnd < 0)
            return std::nullopt;
        const QList<QByteArray> lines = buffer.left(headEnd).split('\n');
        Response r;
        r.status = lines.first().split(' ').value(1).toInt();
        for (qsizetype i = 1; i < lines.size(); ++i) {
            const QByteArray line = lines.at(i).trimmed();
            const qsizetype colon = line.indexOf(':');
            r.headers.append({line.left(colon), line.mid(colon + 1).trimmed()});
        }
        qsizetype pos = headEnd + 4;
        if (headRequest || r.status < 200 || r.status == 204 || r.status == 304) {
            buffer.remove(0, pos);
            return r;
        }
        if (r.header("Transfer-Encoding") == "chunked") {
            QByteArray body;
            for (;;) {
                const qsizetype lineEnd = buffer.indexOf("\r\n", pos);
                if (lineEnd < 0)
                    return std::nullopt;
                const qsizetype size = buffer.mid(pos, lineEnd - pos).toLongLong(nullptr, 16);
                if (buffer.size() < lineEnd + 2 + size + 2)
                    return std::nullopt;
                body += buffer.mid(lineEnd + 2, size);
                pos = lineEnd + 2 + size + 2;
                if (size == 0)
                    break;
            }
            r.body = body;
            buffer.remove(0, pos);
            return r;
        }
        if (!r.header("Content-Length").isEmpty()) {
            const qsizetype length = r.header("Content-Length").toLongLong();
            if (buffer.size() < pos + length)
                return std::nullopt;
            r.body = buffer.mid(pos, length);
            buffer.remove(0, pos + length);
            return r;
        }
        if (!closed)
            return std::nullopt; // delimited by the close
        r.body = buffer.mid(pos);
        buffer.clear();
        return r;
    }
    std::optional<Response> wait(bool headRequest = false, int ms = 5000)
    {
        std::optional<Response> r;
        (void)QTest::qWaitFor([&] { return (r = take(headRequest)).has_value(); }, ms);
        return r;
    }

    QTcpSocket socket;
    QByteArray buffer;
    bool closed = false;
};

QByteArray get(const QByteArray &path, const QByteArray &extra = {})
{
    return "GET " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\n" + extra + "\r\n";
}

} // namespace

class TestHttpServer : public QObject
{
    Q_OBJECT

private:
    std::unique_ptr<HttpServer> server;
    QList<HttpRequest> seen;
    quint16 port = 0;

    void start(HttpServer::Handler handler)
    {
        server = std::make_unique<HttpServer>();
        server->setHandler([this, handler](const HttpRequest &request, HttpResponder *responder) {
            seen << request;
            handler(request, responder);
        });
        const Result<void> listening = server->listen();
        QVERIFY2(listening.ok(),
                 qPrintable(listening.ok() ? QString() : listening.error().message));
        port = server->serverPort();
        QVERIFY(port > 0);
    }

    static void echo(const HttpRequest &request, HttpResponder *responder)
    {
        responder->respond(200, {{"Content-Type", "text/plain"}, {"X-Path", request.path.toUtf8()}},
                           request.method + ' ' + request.target + '|' + request.body);
    }

private Q_SLOTS:
    void init() { seen.clear(); }
    void cleanup() { server.reset(); }

    void basicRequestWithQtClient()
    {
        start(echo);
        QNetworkAccessManager nam;
        QNetworkRequest request(
            QUrl(QStringLiteral("http://127.0.0.1:%1/hello%20there?x=1&y=z").arg(port)));
        request.setRawHeader("X-Custom", "abc");
        QNetworkReply *reply = nam.get(request);
        QVERIFY(QTest::qWaitFor([&] { return reply->isFinished(); }, 5000));
        QCOMPARE(reply->error(), QNetworkReply::NoError);
        QCOMPARE(reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt(), 200);
        QCOMPARE(reply->readAll(), QByteArray("GET /hello%20there?x=1&y=z|"));
        QCOMPARE(reply->rawHeader("X-Path"), QByteArray("/hello there"));
        QCOMPARE(seen.size(), 1);
        QCOMPARE(seen.first().query.queryItemValue(QStringLiteral("y")), QStringLiteral("z"));
        QCOMPARE(seen.first().header("x-custom"), QByteArray("abc"));
        QVERIFY(seen.first().peerAddress.isLoopback());
        QVERIFY(seen.first().peerPort > 0);
        reply->deleteLater();

        QNetworkRequest postRequest(QUrl(QStringLiteral("http://127.0.0.1:%1/p").arg(port)));
        postRequest.setHeader(QNetworkRequest::ContentTypeHeader, QStringLiteral("text/plain"));
        QNetworkReply *post = nam.post(postRequest, QByteArray("payload"));
        QVERIFY(QTest::qWaitFor([&] { return post->isFinished(); }, 5000));
        QCOMPARE(post->readAll(), QByteArray("POST /p|payload"));
        post->deleteLater();
    }

    void listenErrorsAreValues()
    {
        start(echo);
        HttpServer second;
        const Result<void> r = second.listen(QHostAddress::LocalHost, port);
        QVERIFY(!r.ok());
        QCOMPARE(r.error().code, QStringLiteral("http_listen_failed"));
        QVERIFY(!server->listen().ok()); // already listening
    }

    void noHandlerAnswers404()
    {
        server = std::make_unique<HttpServer>();
        QVERIFY(server->listen().ok());
        RawClient client(server->serverPort());
        client.send(get("/"));
        const auto r = client.wait();
        QVERIFY(r);
        QCOMPARE(r->status, 404);
    }

    void keepAliveServesManyRequestsOnOneConnection()
    {
        start(echo);
        RawClient client(port);
        QVERIFY(client.waitConnected());
        for (int i = 0; i < 5; ++i) {
            client.send(get("/n" + QByteArray::number(i)));
            const auto r = client.wait();
            QVERIFY(r);
            QCOMPARE(r->body, "GET /n" + QByteArray::number(i) + '|');
            QVERIFY(r->header("Connection").isEmpty());
            QCOMPARE(r->header("Keep-Alive"), QByteArray("timeout=59"));
        }
        QCOMPARE(server->connectionCount(), 1);
        QVERIFY(!client.closed);
    }

    void connectionCloseIsHonoured_data()
    {
        QTest::addColumn<QByteArray>("request");
        QTest::addColumn<bool>("closes");
        QTest::newRow("1.1 close") << get("/", "Connection: close\r\n") << true;
        QTest::newRow("1.0") << QByteArray("GET / HTTP/1.0\r\n\r\n") << true;
        QTest::newRow("1.0 keep-alive")
            << QByteArray("GET / HTTP/1.0\r\nConnection: keep-alive\r\n\r\n") << false;
        QTest::newRow("1.1") << get("/") << false;
    }

    void connectionCloseIsHonoured()
    {
        QFETCH(QByteArray, request);
        QFETCH(bool, closes);
        start(echo);
        RawClient client(port);
        // Bytes after a closing request are never parsed as another request.
        client.send(request + get("/after"));
        const auto r = client.wait();
        QVERIFY(r);
        QCOMPARE(r->status, 200);
        if (closes) {
            QCOMPARE(r->header("Connection"), QByteArray("close"));
            QVERIFY(client.waitClosed());
            QCOMPARE(seen.size(), 1);
        } else {
            QVERIFY(client.wait());
            QCOMPARE(seen.size(), 2);
            QVERIFY(!client.closed);
        }
    }

    void handlerCanAskToClose()
    {
        start([](const HttpRequest &, HttpResponder *responder) {
            responder->respond(200, {{"Connection", "close"}}, "bye");
        });
        RawClient client(port);
        client.send(get("/"));
        const auto r = client.wait();
        QVERIFY(r);
        QCOMPARE(r->body, QByteArray("bye"));
        QVERIFY(client.waitClosed());
        QTRY_COMPARE(server->connectionCount(), 0);
    }

    void chunkedUpload()
    {
        start(echo);
        RawClient client(port);
        client.send(
            "POST /up HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\n"
            "4\r\nWiki\r\n5;ext=1\r\npedia\r\nE\r\n in\r\n\r\nchunks.\r\n0\r\nTrailer: x\r\n\r\n");
        const auto r = client.wait();
        QVERIFY(r);
        QCOMPARE(r->body, QByteArray("POST /up|Wikipedia in\r\n\r\nchunks."));
    }

    void pipelinedRequestsAreAnsweredInOrder()
    {
        // The handler answers the three requests in reverse order; the wire
        // must still carry them in request order.
        QList<QPointer<HttpResponder>> pending;
        start([&](const HttpRequest &, HttpResponder *responder) { pending << responder; });
        RawClient client(port);
        client.send(get("/1") + "POST /2 HTTP/1.1\r\nHost: h\r\nContent-Length: 3\r\n\r\nabc"
                    + get("/3"));
        QTRY_COMPARE(pending.size(), 3);
        pending.at(2)->respond(200, {}, "third");
        QTest::qWait(20);
        QVERIFY(client.buffer.isEmpty());
        pending.at(1)->beginStream(200);
        pending.at(1)->write("sec");
        pending.at(1)->write("ond");
        pending.at(1)->end();
        QTest::qWait(20);
        QVERIFY(client.buffer.isEmpty());
        pending.at(0)->respond(201, {}, "first");
        const auto a = client.wait();
        const auto b = client.wait();
        const auto c = client.wait();
        QVERIFY(a && b && c);
        QCOMPARE(a->status, 201);
        QCOMPARE(a->body, QByteArray("first"));
        QCOMPARE(b->body, QByteArray("second"));
        QCOMPARE(c->body, QByteArray("third"));
        QCOMPARE(seen.at(1).body, QByteArray("abc"));
        QTRY_VERIFY(
            std::all_of(pending.begin(), pending.end(), [](const auto &p) { return p.isNull(); }));
    }

    void deepPipelineIsBackPressuredNotDropped()
    {
        start(echo);
        RawClient client(port);
        QByteArray burst;
        for (int i = 0; i < 100; ++i)
            burst += get("/" + QByteArray::number(i));
        client.send(burst);
        for (int i = 0; i < 100; ++i) {
            const auto r = client.wait();
            QVERIFY2(r, qPrintable(QString::number(i)));
            QCOMPARE(r->body, "GET /" + QByteArray::number(i) + '|');
        }
    }

    void headerLimitAnswers431()
    {
        start(echo);
        RawClient client(port);
        client.send("GET / HTTP/1.1\r\nHost: h\r\nX-Big: " + QByteArray(70 * 1024, 'a')
                    + "\r\n\r\n");
        const auto r = client.wait();
        QVERIFY(r);
        QCOMPARE(r->status, 431);
        QCOMPARE(r->header("Connection"), QByteArray("close"));
        QVERIFY(client.waitClosed());
        QVERIFY(seen.isEmpty());
    }

    void bodyLimitAnswers413()
    {
        start(echo);
        server->setMaxBodyBytes(1000);
        {
            // Refused from the declared length, before the body is sent.
            RawClient client(port);
            client.send("POST / HTTP/1.1\r\nHost: h\r\nContent-Length: 1001\r\n\r\n");
            const auto r = client.wait();
            QVERIFY(r);
            QCOMPARE(r->status, 413);
            QVERIFY(client.waitClosed());
        }
        {
            RawClient client(port);
            client.send("POST / HTTP/1.1\r\nHost: h\r\nContent-Length: 1000\r\n\r\n"
                        + QByteArray(1000, 'x'));
            const auto r = client.wait();
            QVERIFY(r);
            QCOMPARE(r->status, 200);
        }
        {
            RawClient client(port);
            client.send("POST / HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\n");
            for (int i = 0; i < 20; ++i)
                client.send("64\r\n" + QByteArray(100, 'y') + "\r\n");
            const auto r = client.wait();
            QVERIFY(r);
            QCOMPARE(r->status, 413);
            QVERIFY(client.waitClosed());
        }
        QCOMPARE(seen.size(), 1);
    }

    void malformedRequestAnswers400AfterEarlierResponses()
    {
        start(echo);
        RawClient client(port);
        client.send(get("/ok") + "BROKEN\r\n\r\n");
        const auto ok = client.wait();
        const auto bad = client.wait();
        QVERIFY(ok && bad);
        QCOMPARE(ok->status, 200);
        QCOMPARE(bad->status, 400);
        QVERIFY(client.waitClosed());
    }

    void expectContinue()
    {
        start(echo);
        RawClient client(port);
        client.send(
            "POST /e HTTP/1.1\r\nHost: h\r\nExpect: 100-continue\r\nContent-Length: 4\r\n\r\n");
        const auto interim = client.wait();
        QVERIFY(interim);
        QCOMPARE(interim->status, 100);
        client.send("data");
        const auto r = client.wait();
        QVERIFY(r);
        QCOMPARE(r->status, 200);
        QCOMPARE(r->body, QByteArray("POST /e|data"));
    }

    void headSendsHeadersOnly()
    {
        start(echo);
        RawClient client(port);
        client.send("HEAD /h HTTP/1.1\r\nHost: h\r\n\r\n" + get("/after"));
        const auto head = client.wait(true);
        QVERIFY(head);
        QCOMPARE(head->status, 200);
        QCOMPARE(head->header("Content-Length"), QByteArray::number(QByteArray("HEAD /h|").size()));
        const auto next = client.wait();
        QVERIFY(next);
        QCOMPARE(next->body, QByteArray("GET /after|"));
    }

    void slowClientIsServed()
    {
        start(echo);
        server->setIdleTimeout(2s);
        RawClient client(port);
        const QByteArray request
            = "POST /slow HTTP/1.1\r\nHost: h\r\nContent-Length: 5\r\n\r\nhello";
        for (const char c : request) {
            client.send(QByteArray(1, c));
            QTest::qWait(1);
        }
        const auto r = client.wait();
        QVERIFY(r);
        QCOMPARE(r->body, QByteArray("POST /slow|hello"));
    }

    void idleConnectionsAreClosed()
    {
        start(echo);
        server->setIdleTimeout(150ms);
        RawClient idle(port);
        QVERIFY(idle.waitConnected());
        RawClient stalled(port);
        stalled.send("GET / HTTP/1.1\r\nHo");
        QVERIFY(idle.waitClosed());
        QVERIFY(stalled.waitClosed());
        QVERIFY(seen.isEmpty());
        QTRY_COMPARE(server->connectionCount(), 0);
    }

    void slowHandlerIsNotAnIdleConnection()
    {
        start([](const HttpRequest &, HttpResponder *responder) {
            QTimer::singleShot(400, responder,
                               [responder] { responder->respond(200, {}, "late"); });
        });
        server->setIdleTimeout(100ms);
        RawClient client(port);
        client.send(get("/"));
        const auto r = client.wait();
        QVERIFY(r);
        QCOMPARE(r->body, QByteArray("late"));
        // ... and after the answer the idle timer runs again.
        QVERIFY(client.waitClosed());
    }

    void chunkedStreamArrivesPiecewise()
    {
        QPointer<HttpResponder> stream;
        start([&](const HttpRequest &, HttpResponder *responder) {
            stream = responder;
            responder->beginStream(200, SseWriter::streamHeaders());
            responder->write(SseWriter::encode("first", "1"));
        });
        QNetworkAccessManager nam;
        QNetworkReply *reply
            = nam.get(QNetworkRequest(QUrl(QStringLiteral("http://127.0.0.1:%1/sse").arg(port))));
        SseParser parser;
        QList<SseEvent> events;
        connect(reply, &QNetworkReply::readyRead, this,
                [&] { events += parser.feed(reply->readAll()); });
        QTRY_COMPARE(events.size(), 1);
        QVERIFY(!reply->isFinished());
        QCOMPARE(reply->header(QNetworkRequest::ContentTypeHeader).toString(),
                 QStringLiteral("text/event-stream"));
        QVERIFY(stream);
        QVERIFY(stream->write(SseWriter::encode("second", "2\n2")));
        QTRY_COMPARE(events.size(), 2);
        stream->end();
        QVERIFY(!stream->write("late"));
        QVERIFY(QTest::qWaitFor([&] { return reply->isFinished(); }, 5000));
        QCOMPARE(reply->error(), QNetworkReply::NoError);
        QCOMPARE(events.at(1).event, QByteArray("second"));
        QCOMPARE(events.at(1).data, QByteArray("2\n2"));
        reply->deleteLater();
    }

    void closeDelimitedStream()
    {
        start([](const HttpRequest &, HttpResponder *responder) {
            responder->beginStream(200, {{"Content-Type", "text/plain"}},
                                   HttpResponder::Framing::CloseDelimited);
            responder->write("one ");
            responder->write("two");
            responder->end();
        });
        RawClient client(port);
        client.send(get("/"));
        QVERIFY(client.waitClosed());
        const auto r = client.take();
        QVERIFY(r);
        QVERIFY(r->header("Transfer-Encoding").isEmpty());
        QVERIFY(r->header("Content-Length").isEmpty());
        QCOMPARE(r->header("Connection"), QByteArray("close"));
        QCOMPARE(r->body, QByteArray("one two"));
    }

    void streamToHttp10IsCloseDelimited()
    {
        start([](const HttpRequest &, HttpResponder *responder) {
            responder->beginStream(200);
            responder->write("x");
            responder->end();
        });
        RawClient client(port);
        client.send("GET / HTTP/1.0\r\nConnection: keep-alive\r\n\r\n");
        QVERIFY(client.waitClosed());
        const auto r = client.take();
        QVERIFY(r);
        QVERIFY(r->header("Transfer-Encoding").isEmpty());
        QCOMPARE(r->body, QByteArray("x"));
    }

    void clientDisconnectMidStreamIsSignalled()
    {
        QPointer<HttpResponder> stream;
        int disconnects = 0;
        QTimer ticker;
        start([&](const HttpRequest &, HttpResponder *responder) {
            stream = responder;
            connect(responder, &HttpResponder::disconnected, this, [&] { ++disconnects; });
            responder->beginStream(200, SseWriter::streamHeaders());
            connect(&ticker, &QTimer::timeout, responder,
                    [responder] { responder->write(SseWriter::comment("tick")); });
            ticker.start(5);
        });
        {
            RawClient client(port);
            client.send(get("/"));
            QTRY_VERIFY(client.buffer.contains(": tick"));
            client.socket.abort();
        }
        QTRY_COMPARE(disconnects, 1);
        QTRY_VERIFY(stream.isNull()); // deleted once the connection is gone
        QTRY_COMPARE(server->connectionCount(), 0);
        QTest::qWait(30); // the ticker's receiver is gone with the responder: no writes, no crash
    }

    void lateAnswerAfterDisconnectIsHarmless()
    {
        QPointer<HttpResponder> pending;
        bool signalled = false;
        start([&](const HttpRequest &, HttpResponder *responder) {
            pending = responder;
            connect(responder, &HttpResponder::disconnected, this, [&] {
                signalled = true;
                QVERIFY(!pending->isConnected());
                QVERIFY(pending->isFinished());
                pending->respond(200, {}, "ignored"); // no effect, no crash
            });
        });
        {
            RawClient client(port);
            client.send(get("/"));
            QTRY_VERIFY(pending);
            client.socket.disconnectFromHost();
        }
        QTRY_VERIFY(signalled);
        QTRY_VERIFY(pending.isNull());
    }

    void abortCutsTheConnectionMidStream()
    {
        start([](const HttpRequest &, HttpResponder *responder) {
            responder->beginStream(200, SseWriter::streamHeaders());
            responder->write(SseWriter::encode("partial", "1"));
            QTimer::singleShot(20, responder, [responder] { responder->abort(); });
        });
        QNetworkAccessManager nam;
        QNetworkReply *reply
            = nam.get(QNetworkRequest(QUrl(QStringLiteral("http://127.0.0.1:%1/").arg(port))));
        QByteArray received;
        connect(reply, &QNetworkReply::readyRead, this, [&] { received += reply->readAll(); });
        QVERIFY(QTest::qWaitFor([&] { return reply->isFinished(); }, 5000));
        QVERIFY(received.contains("event: partial"));
        QVERIFY(reply->error() != QNetworkReply::NoError); // the body ended without its last chunk
        QTRY_COMPARE(server->connectionCount(), 0);
        reply->deleteLater();
    }

    void abortBeforeAnyResponse()
    {
        start([](const HttpRequest &, HttpResponder *responder) { responder->abort(); });
        RawClient client(port);
        client.send(get("/") + get("/second"));
        QVERIFY(client.waitClosed());
        QVERIFY(client.buffer.isEmpty());
    }

    void abortSignalsOtherPipelinedRequests()
    {
        QList<QPointer<HttpResponder>> pending;
        int disconnects = 0;
        start([&](const HttpRequest &, HttpResponder *responder) {
            pending << responder;
            connect(responder, &HttpResponder::disconnected, this, [&] { ++disconnects; });
        });
        RawClient client(port);
        client.send(get("/1") + get("/2"));
        QTRY_COMPARE(pending.size(), 2);
        pending.at(0)->abort();
        QCOMPARE(disconnects, 1); // the second one; the aborting one is not told
        QVERIFY(client.waitClosed());
    }

    void serverDeletedWithPendingResponders()
    {
        QPointer<HttpResponder> pending;
        start([&](const HttpRequest &, HttpResponder *responder) { pending = responder; });
        RawClient client(port);
        client.send(get("/"));
        QTRY_VERIFY(pending);
        server.reset();
        QVERIFY(pending.isNull());
        QVERIFY(client.waitClosed());
    }

    void handlerDeletingItsResponderClosesTheConnection()
    {
        start([](const HttpRequest &, HttpResponder *responder) { delete responder; });
        RawClient client(port);
        client.send(get("/"));
        QVERIFY(client.waitClosed());
        QTRY_COMPARE(server->connectionCount(), 0);
    }

    void responseHeadersCannotBeInjected()
    {
        start([](const HttpRequest &, HttpResponder *responder) {
            responder->respond(200, {{"X-Evil", "a\r\nSet-Cookie: x=1"}}, "ok");
        });
        RawClient client(port);
        client.send(get("/"));
        const auto r = client.wait();
        QVERIFY(r);
        QVERIFY(r->header("Set-Cookie").isEmpty());
        QCOMPARE(r->header("X-Evil"), QByteArray("a  Set-Cookie: x=1"));
    }

    void noBodyStatuses()
    {
        start([](const HttpRequest &, HttpResponder *responder) {
            responder->respond(204, {}, "dropped");
        });
        RawClient client(port);
        client.send(get("/") + get("/"));
        const auto a = client.wait();
        const auto b = client.wait();
        QVERIFY(a && b);
        QCOMPARE(a->status, 204);
        QVERIFY(a->header("Content-Length").isEmpty());
        QCOMPARE(b->status, 204);
        QVERIFY(client.buffer.isEmpty());
    }
};

QTEST_GUILESS_MAIN(TestHttpServer)
#include "tst_httpserver.moc"
