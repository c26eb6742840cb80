#include "mcptestservertools.h"
#include "net/sseparser.h"
#include "serve/mcphttptransport.h"
#include "serve/mcpserver.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QSignalSpy>
#include <QTcpSocket>
#include <QTest>

using namespace ktx;

namespace {

struct HttpResult
{
    int status = 0;
    QByteArray body;
    QList<QNetworkReply::RawHeaderPair> headers;
    QByteArray header(const QByteArray &name) const
    {
        for (const auto &[key, value] : headers) {
            if (key.compare(name, Qt::CaseInsensitive) == 0)
                return value;
        }
        return {};
    }
    QJsonObject json() const { return QJsonDocument::fromJson(body).object(); }
    int rpcError() const
    {
        return json().value(QLatin1String("error")).toObject().value(QLatin1String("code")).toInt();
    }
};

const QByteArray InitializeBody
    = R"({"jsonrpc":"2.0","id":1,"method":"initialize","params":{"protocolVersion":"2025-11-25","capabilities":{},"clientInfo":{"name":"t","version":"1"}}})";

} // namespace

class TestMcpHttpTransport : public QObject
{
    Q_OBJECT

private:
    std::unique_ptr<McpServer> server;
    std::unique_ptr<McpHttpTransport> transport;
    QNetworkAccessManager nam;
    QUrl url;

    void start(const QByteArray &token = {})
    {
        server = std::make_unique<McpServer>(McpTestServerTools::create());
        transport = std::make_unique<McpHttpTransport>(server.get());
        transport->setBearerToken(token);
        const Result<void> r = transport->listen();
        QVERIFY(r.ok());
        url = transport->url();
    }

    HttpResult exchange(const QByteArray &method, const QByteArray &body,
                        const QList<std::pair<QByteArray, QByteArray>> &headers,
                        const QUrl &target = {})
    {
        QNetworkRequest request(target.isEmpty() ? url : target);
        bool hasAccept = false, hasType = false;
        for (const auto &[name, value] : headers) {
            request.setRawHeader(name, value);
            hasAccept = hasAccept || name.compare("Accept", Qt::CaseInsensitive) == 0;
            hasType = hasType || name.compare("Content-Type", Qt::CaseInsensitive) == 0;
        }
        if (!hasAccept)
            request.setRawHeader("Accept", "application/json, text/event-stream");
        if (!hasType && method == "POST")
            request.setRawHeader("Content-Type", "application/json");
        QNetworkReply *reply = nam.sendCustomRequest(request, method, body);
        (void)QTest::qWaitFor([&] { return reply->isFinished(); }, 15000);
        HttpResult out;
        out.status = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
        out.body = reply->readAll();
        out.headers = reply->rawHeaderPairs();
        reply->deleteLater();
        return out;
    }
    HttpResult post(const QByteArray &body,
                    const QList<std::pair<QByteArray, QByteArray>> &headers = {})
    {
        return exchange("POST", body, headers);
    }
    QByteArray initializeSession(const QList<std::pair<QByteArray, QByteArray>> &headers = {})
    {
        const HttpResult r = post(InitializeBody, headers);
        if (r.status != 200)
            return {};
        return r.header("Mcp-Session-Id");
    }

private Q_SLOTS:
    void cleanup()
    {
        transport.reset();
        server.reset();
    }

    void initializeIssuesASession()
    {
        start();
        const HttpResult r = post(InitializeBody);
        QCOMPARE(r.status, 200);
        QCOMPARE(r.header("Content-Type"), QByteArray("application/json"));
        const QByteArray id = r.header("Mcp-Session-Id");
        QVERIFY2(QRegularExpression(QStringLiteral("^[0-9a-f]{32}$"))
                     .match(QString::fromLatin1(id))
                     .hasMatch(),
                 id.constData());
        QCOMPARE(r.json()
                     .value(QLatin1String("result"))
                     .toObject()
                     .value(QLatin1String("protocolVersion"))
                     .toString(),
                 QStringLiteral("2025-11-25"));
        QCOMPARE(transport->sessionCount(), 1);
        QVERIFY(initializeSession() != id); // every initialize gets a fresh, different id
        QCOMPARE(transport->sessionCount(), 2);
    }

    void failedInitializeIssuesNoSession()
    {
        start();
        const HttpResult r = post(R"({"jsonrpc":"2.0","id":1,"method":"initialize","params":{}})");
        QCOMPARE(r.status, 200);
        QCOMPARE(r.rpcError(), -32602);
        QVERIFY(r.header("Mcp-Session-Id").isEmpty());
        QCOMPARE(transport->sessionCount(), 0);
    }

    void sessionHeaderIsRequired()
    {
        start();
        const QByteArray id = initializeSession();
        const QByteArray ping = R"({"jsonrpc":"2.0","id":2,"method":"ping"})";
        HttpResult r = post(ping);
        QCOMPARE(r.status, 400);
        QCOMPARE(r.rpcError(), -32000);
        r = post(ping, {{"Mcp-Session-Id", "0123456789abcdef0123456789abcdef"}});
        QCOMPARE(r.status, 404);
        QCOMPARE(r.rpcError(), -32001);
        r = post(ping, {{"Mcp-Session-Id", id}});
        QCOMPARE(r.status, 200);
        QCOMPARE(r.json().value(QLatin1String("result")).toObject(), QJsonObject());
        // initialize on an existing session is refused by the protocol core.
        r = post(InitializeBody, {{"Mcp-Session-Id", id}});
        QCOMPARE(r.rpcError(), -32600);
    }

    void notificationsGet202()
    {
        start();
        const QByteArray id = initializeSession();
        const HttpResult r = post(R"({"jsonrpc":"2.0","method":"notifications/initialized"})",
                                  {{"Mcp-Session-Id", id}});
        QCOMPARE(r.status, 202);
        QVERIFY(r.body.isEmpty());
        const HttpResult response
            = post(R"({"jsonrpc":"2.0","id":5,"result":{}})", {{"Mcp-Session-Id", id}});
        QCOMPARE(response.status, 202);
    }

    void eventStreamWhenTheClientOnlyTakesThat()
    {
        start();
        const QByteArray id = initializeSession();
        const HttpResult r = post(
            R"({"jsonrpc":"2.0","id":"c","method":"tools/call","params":{"name":"echo","arguments":{"text":"over sse"}}})",
            {{"Mcp-Session-Id", id}, {"Accept", "text/event-stream"}});
        QCOMPARE(r.status, 200);
        QCOMPARE(r.header("Content-Type"), QByteArray("text/event-stream"));
        SseParser parser;
        const QList<SseEvent> events = parser.feed(r.body);
        QCOMPARE(events.size(), 1);
        QCOMPARE(events.first().event, QByteArray("message"));
        const QJsonObject message = QJsonDocument::fromJson(events.first().data).object();
        QCOMPARE(message.value(QLatin1String("id")).toString(), QStringLiteral("c"));
        QCOMPARE(message.value(QLatin1String("result"))
                     .toObject()
                     .value(QLatin1String("content"))
                     .toArray()
                     .first()
                     .toObject()
                     .value(QLatin1String("text"))
                     .toString(),
                 QStringLiteral("over sse"));
    }

    void requestChecks_data()
    {
        QTest::addColumn<QByteArray>("method");
        QTest::addColumn<QByteArray>("body");
        QTest::addColumn<QByteArray>("accept");
        QTest::addColumn<QByteArray>("contentType");
        QTest::addColumn<QByteArray>("extraName");
        QTest::addColumn<QByteArray>("extraValue");
        QTest::addColumn<int>("status");
        const QByteArray ping = R"({"jsonrpc":"2.0","id":3,"method":"ping"})";
        const QByteArray both = "application/json, text/event-stream";
        QTest::newRow("ok") << QByteArray("POST") << ping << both << QByteArray("application/json")
                            << QByteArray() << QByteArray() << 200;
        QTest::newRow("json with charset")
            << QByteArray("POST") << ping << QByteArray("application/json")
            << QByteArray("application/json; charset=utf-8") << QByteArray() << QByteArray() << 200;
        QTest::newRow("wildcard accept")
            << QByteArray("POST") << ping << QByteArray("*/*") << QByteArray("application/json")
            << QByteArray() << QByteArray() << 200;
        QTest::newRow("not acceptable")
            << QByteArray("POST") << ping << QByteArray("text/html")
            << QByteArray("application/json") << QByteArray() << QByteArray() << 406;
        QTest::newRow("wrong content type")
            << QByteArray("POST") << ping << both << QByteArray("text/plain") << QByteArray()
            << QByteArray() << 415;
        QTest::newRow("parse error")
            << QByteArray("POST") << QByteArray("{nope") << both << QByteArray("application/json")
            << QByteArray() << QByteArray() << 400;
        QTest::newRow("bad protocol version")
            << QByteArray("POST") << ping << both << QByteArray("application/json")
            << QByteArray("MCP-Protocol-Version") << QByteArray("2099-01-01") << 400;
        QTest::newRow("good protocol version")
            << QByteArray("POST") << ping << both << QByteArray("application/json")
            << QByteArray("MCP-Protocol-Version") << QByteArray("2025-06-18") << 200;
        QTest::newRow("get") << QByteArray("GET") << QByteArray() << QByteArray("text/event-stream")
                             << QByteArray() << QByteArray() << QByteArray() << 405;
        QTest::newRow("put") << QByteArray("PUT") << ping << both << QByteArray("application/json")
                             << QByteArray() << QByteArray() << 405;
        QTest::newRow("evil host")
            << QByteArray("POST") << ping << both << QByteArray("application/json")
            << QByteArray("Host") << QByteArray("evil.example.com") << 403;
        QTest::newRow("evil host with port")
            << QByteArray("POST") << ping << both << QByteArray("application/json")
            << QByteArray("Host") << QByteArray("attacker.test:8080") << 403;
        QTest::newRow("localhost host")
            << QByteArray("POST") << ping << both << QByteArray("application/json")
            << QByteArray("Host") << QByteArray("localhost:1234") << 200;
        QTest::newRow("ipv6 host")
            << QByteArray("POST") << ping << both << QByteArray("application/json")
            << QByteArray("Host") << QByteArray("[::1]:1234") << 200;
        QTest::newRow("evil origin")
            << QByteArray("POST") << ping << both << QByteArray("application/json")
            << QByteArray("Origin") << QByteArray("http://evil.example.com") << 403;
        QTest::newRow("null origin")
            << QByteArray("POST") << ping << both << QByteArray("application/json")
            << QByteArray("Origin") << QByteArray("null") << 403;
        QTest::newRow("loopback origin")
            << QByteArray("POST") << ping << both << QByteArray("application/json")
            << QByteArray("Origin") << QByteArray("http://localhost:5173") << 200;
        QTest::newRow("allowed origin")
            << QByteArray("POST") << ping << both << QByteArray("application/json")
            << QByteArray("Origin") << QByteArray("https://app.example.com") << 200;
    }

    void requestChecks()
    {
        QFETCH(QByteArray, method);
        QFETCH(QByteArray, body);
        QFETCH(QByteArray, accept);
        QFETCH(QByteArray, contentType);
        QFETCH(QByteArray, extraName);
        QFETCH(QByteArray, extraValue);
        QFETCH(int, status);
        start();
        transport->setAllowedOrigins({QStringLiteral("https://app.example.com/")});
        const QByteArray id = initializeSession();
        QList<std::pair<QByteArray, QByteArray>> headers {{"Mcp-Session-Id", id},
                                                          {"Accept", accept}};
        if (!contentType.isEmpty())
            headers.append({"Content-Type", contentType});
        if (!extraName.isEmpty())
            headers.append({extraName, extraValue});
        const HttpResult r = exchange(method, body, headers);
        QCOMPARE(r.status, status);
        if (status == 405)
            QCOMPARE(r.header("Allow"), QByteArray("POST, DELETE"));
        if (status >= 400)
            QVERIFY2(r.json().contains(QLatin1String("error")), r.body.constData());
        if (body.startsWith("{nope"))
            QCOMPARE(r.rpcError(), -32700);
    }

    void allowedHosts()
    {
        start();
        transport->setAllowedHosts(
            {QStringLiteral("ktx.internal"), QStringLiteral("pinned.test:9000")});
        const QByteArray init = InitializeBody;
        QCOMPARE(post(init, {{"Host", "ktx.internal:4444"}}).status, 200);
        QCOMPARE(post(init, {{"Host", "pinned.test:9000"}}).status, 200);
        QCOMPARE(post(init, {{"Host", "pinned.test:9001"}}).status, 403);
        QCOMPARE(post(init, {{"Host", "ktx.internal.evil.com"}}).status, 403);
    }

    void wrongPathIs404()
    {
        start();
        QUrl other = url;
        other.setPath(QStringLiteral("/other"));
        QCOMPARE(exchange("POST", InitializeBody, {}, other).status, 404);
    }

    void bearerToken()
    {
        start("s3cret-token");
        HttpResult r = post(InitializeBody);
        QCOMPARE(r.status, 401);
        QCOMPARE(r.header("WWW-Authenticate"), QByteArray("Bearer realm=\"ktx\""));
        r = post(InitializeBody, {{"Authorization", "Bearer s3cret-tokeN"}});
        QCOMPARE(r.status, 401);
        QVERIFY(r.header("WWW-Authenticate").contains("invalid_token"));
        QCOMPARE(post(InitializeBody, {{"Authorization", "Bearer s3cret-token-longer"}}).status,
                 401);
        QCOMPARE(post(InitializeBody, {{"Authorization", "Bearer s3cret"}}).status, 401);
        QCOMPARE(post(InitializeBody, {{"Authorization", "Basic s3cret-token"}}).status, 401);
        QCOMPARE(post(InitializeBody, {{"Authorization", "s3cret-token"}}).status, 401);
        QCOMPARE(post(InitializeBody, {{"Authorization", "Bearer s3cret-token"}}).status, 200);
        QCOMPARE(post(InitializeBody, {{"Authorization", "bearer  s3cret-token "}}).status, 200);
        QCOMPARE(transport->sessionCount(), 2);
    }

    void deleteEndsTheSession()
    {
        start();
        const QByteArray id = initializeSession();
        QCOMPARE(exchange("DELETE", {}, {}).status, 400);
        QCOMPARE(exchange("DELETE", {}, {{"Mcp-Session-Id", "nope"}}).status, 404);
        QCOMPARE(exchange("DELETE", {}, {{"Mcp-Session-Id", id}}).status, 200);
        QCOMPARE(transport->sessionCount(), 0);
        QCOMPARE(
            post(R"({"jsonrpc":"2.0","id":2,"method":"ping"})", {{"Mcp-Session-Id", id}}).status,
            404);
    }

    void batchWithInitializeIsRefused()
    {
        start();
        const HttpResult r = post("[" + InitializeBody + "]");
        QCOMPARE(r.status, 400);
        QCOMPARE(r.rpcError(), -32600);
        QCOMPARE(transport->sessionCount(), 0);
    }

    void batchInOldSession()
    {
        start();
        const HttpResult init = post(
            R"({"jsonrpc":"2.0","id":1,"method":"initialize","params":{"protocolVersion":"2025-03-26"}})");
        const QByteArray id = init.header("Mcp-Session-Id");
        const HttpResult r = post(
            R"([{"jsonrpc":"2.0","id":2,"method":"ping"},{"jsonrpc":"2.0","id":3,"method":"tools/call","params":{"name":"add","arguments":{"a":1,"b":2}}}])",
            {{"Mcp-Session-Id", id}});
        QCOMPARE(r.status, 200);
        QCOMPARE(QJsonDocument::fromJson(r.body).array().size(), 2);
        const HttpResult notes = post(R"([{"jsonrpc":"2.0","method":"notifications/initialized"}])",
                                      {{"Mcp-Session-Id", id}});
        QCOMPARE(notes.status, 202);
    }

    void bodyLimit()
    {
        start();
        transport->setMaxBodyBytes(2048);
        const QByteArray id = initializeSession();
        const QByteArray big
            = QJsonDocument(QJsonObject {{"jsonrpc", "2.0"},
                                         {"id", 2},
                                         {"method", "ping"},
                                         {"params", QJsonObject {{"pad", QString(4096, u'z')}}}})
                  .toJson(QJsonDocument::Compact);
        QCOMPARE(post(big, {{"Mcp-Session-Id", id}}).status, 413);
    }

    void largeRequestWithinTheLimit()
    {
        start();
        const QByteArray id = initializeSession();
        const QJsonObject call {
            {"jsonrpc", "2.0"},
            {"id", 2},
            {"method", "tools/call"},
            {"params",
             QJsonObject {{"name", "echo"},
                          {"arguments", QJsonObject {{"text", QString(3 * 1024 * 1024, u'w')}}}}}};
        const HttpResult r
            = post(QJsonDocument(call).toJson(QJsonDocument::Compact), {{"Mcp-Session-Id", id}});
        QCOMPARE(r.status, 200);
        const QString text = r.json()
                                 .value(QLatin1String("result"))
                                 .toObject()
                                 .value(QLatin1String("content"))
                                 .toArray()
                                 .first()
                                 .toObject()
                                 .value(QLatin1String("text"))
                                 .toString();
        QVERIFY(text.startsWith(QLatin1String("wwww")));
        QVERIFY(text.contains(
            QLatin1String("[output truncated: showing 100000 of 3145728 characters")));
    }

    void sessionsAreCapped()
    {
        start();
        transport->setMaxSessions(2);
        const QByteArray first = initializeSession();
        const QByteArray second = initializeSession();
        QCOMPARE(post(R"({"jsonrpc":"2.0","id":2,"method":"ping"})", {{"Mcp-Session-Id", second}})
                     .status,
                 200);
        const QByteArray third = initializeSession();
        QVERIFY(!third.isEmpty());
        QCOMPARE(transport->sessionCount(), 2);
        // The least recently used one made room.
        QCOMPARE(
            post(R"({"jsonrpc":"2.0","id":2,"method":"ping"})", {{"Mcp-Session-Id", first}}).status,
            404);
        QCOMPARE(post(R"({"jsonrpc":"2.0","id":2,"method":"ping"})", {{"Mcp-Session-Id", second}})
                     .status,
                 200);
    }

    void clientDisconnectCancelsTheCall()
    {
        start();
        const QByteArray id = initializeSession();
        QSignalSpy finished(server.get(), &McpServer::toolCallFinished);
        QSignalSpy started(server.get(), &McpServer::toolCallStarted);
        QTcpSocket socket;
        socket.connectToHost(QHostAddress::LocalHost, transport->serverPort());
        QVERIFY(QTest::qWaitFor([&] { return socket.state() == QAbstractSocket::ConnectedState; },
                                5000));
        const QByteArray body
            = R"({"jsonrpc":"2.0","id":9,"method":"tools/call","params":{"name":"slow","arguments":{"ms":60000}}})";
        socket.write("POST /mcp HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: "
                     "application/json\r\nAccept: application/json\r\nMcp-Session-Id: "
                     + id + "\r\nContent-Length: " + QByteArray::number(body.size()) + "\r\n\r\n"
                     + body);
        QTRY_COMPARE(started.size(), 1);
        socket.abort();
        QTRY_COMPARE_WITH_TIMEOUT(finished.size(), 1, 10000);
        QVERIFY(finished.first().first().value<McpToolCall>().cancelled);
        // The session survives its client's hang-up.
        QCOMPARE(
            post(R"({"jsonrpc":"2.0","id":9,"method":"ping"})", {{"Mcp-Session-Id", id}}).status,
            200);
    }

    void cancelledNotificationEndsThePendingExchange()
    {
        start();
        const QByteArray id = initializeSession();
        QNetworkRequest request(url);
        request.setRawHeader("Content-Type", "application/json");
        request.setRawHeader("Accept", "application/json, text/event-stream");
        request.setRawHeader("Mcp-Session-Id", id);
        QNetworkReply *call = nam.post(
            request,
            R"({"jsonrpc":"2.0","id":"long","method":"tools/call","params":{"name":"slow","arguments":{"ms":60000}}})");
        QSignalSpy started(server.get(), &McpServer::toolCallStarted);
        QTRY_COMPARE(started.size(), 1);
        const HttpResult cancel = post(
            R"({"jsonrpc":"2.0","method":"notifications/cancelled","params":{"requestId":"long"}})",
            {{"Mcp-Session-Id", id}});
        QCOMPARE(cancel.status, 202);
        QVERIFY(QTest::qWaitFor([&] { return call->isFinished(); }, 10000));
        QCOMPARE(call->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt(), 200);
        QCOMPARE(call->rawHeader("Content-Type"), QByteArray("text/event-stream"));
        QVERIFY(call->readAll().isEmpty()); // no response for a cancelled request
        call->deleteLater();

        // A JSON-only client gets an error instead, so its exchange ends too.
        request.setRawHeader("Accept", "application/json");
        call = nam.post(
            request,
            R"({"jsonrpc":"2.0","id":"long2","method":"tools/call","params":{"name":"slow","arguments":{"ms":60000}}})");
        QTRY_COMPARE(started.size(), 2);
        post(
            R"({"jsonrpc":"2.0","method":"notifications/cancelled","params":{"requestId":"long2"}})",
            {{"Mcp-Session-Id", id}});
        QVERIFY(QTest::qWaitFor([&] { return call->isFinished(); }, 10000));
        QCOMPARE(QJsonDocument::fromJson(call->readAll())
                     .object()
                     .value(QLatin1String("error"))
                     .toObject()
                     .value(QLatin1String("code"))
                     .toInt(),
                 -32800);
        call->deleteLater();
    }

    void deleteCancelsCallsInFlight()
    {
        start();
        const QByteArray id = initializeSession();
        QSignalSpy started(server.get(), &McpServer::toolCallStarted);
        QSignalSpy finished(server.get(), &McpServer::toolCallFinished);
        QNetworkRequest request(url);
        request.setRawHeader("Content-Type", "application/json");
        request.setRawHeader("Accept", "application/json, text/event-stream");
        request.setRawHeader("Mcp-Session-Id", id);
        QNetworkReply *call = nam.post(
            request,
            R"({"jsonrpc":"2.0","id":1,"method":"tools/call","params":{"name":"slow","arguments":{"ms":60000}}})");
        QTRY_COMPARE(started.size(), 1);
        QCOMPARE(exchange("DELETE", {}, {{"Mcp-Session-Id", id}}).status, 200);
        QTRY_COMPARE_WITH_TIMEOUT(finished.size(), 1, 10000);
        QVERIFY(finished.first().first().value<McpToolCall>().cancelled);
        QVERIFY(QTest::qWaitFor([&] { return call->isFinished(); }, 10000));
        call->deleteLater();
    }

    void listenRules()
    {
        server = std::make_unique<McpServer>(McpTestServerTools::create());
        McpHttpTransport open(server.get());
        const Result<void> r = open.listen(QHostAddress::AnyIPv4, 0);
        QVERIFY(!r.ok());
        QCOMPARE(r.error().code, QStringLiteral("mcp_token_required"));
        McpHttpTransport local(server.get());
        QVERIFY(local.listen().ok());
        QCOMPARE(local.url().toString(),
                 QStringLiteral("http://127.0.0.1:%1/mcp").arg(local.serverPort()));
    }
};

QTEST_GUILESS_MAIN(TestMcpHttpTransport)
#include "tst_mcphttptransport.moc"
