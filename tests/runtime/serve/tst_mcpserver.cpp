#include "mcptestservertools.h"
#include "serve/mcpserver.h"
#include "serve/mcpsession.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QSignalSpy>
#include <QTest>
#include <QThread>

#include <atomic>
#include <optional>

using namespace ktx;

namespace {

QByteArray json(const QJsonObject &o)
{
    return QJsonDocument(o).toJson(QJsonDocument::Compact);
}

QJsonObject request(const QJsonValue &id, const QString &method, const QJsonObject &params = {})
{
    QJsonObject r {{QStringLiteral("jsonrpc"), QStringLiteral("2.0")},
                   {QStringLiteral("id"), id},
                   {QStringLiteral("method"), method}};
    if (!params.isEmpty())
        r.insert(QStringLiteral("params"), params);
    return r;
}

QJsonObject notification(const QString &method, const QJsonObject &params = {})
{
    QJsonObject r {{QStringLiteral("jsonrpc"), QStringLiteral("2.0")},
                   {QStringLiteral("method"), method}};
    if (!params.isEmpty())
        r.insert(QStringLiteral("params"), params);
    return r;
}

QJsonObject callParams(const QString &tool, const QJsonObject &arguments)
{
    return {{QStringLiteral("name"), tool}, {QStringLiteral("arguments"), arguments}};
}

// One exchange with the server: what handle() returned and the reply, if any.
struct Exchange
{
    bool answers = false;
    bool replied = false;
    QByteArray text;
    QJsonValue value() const
    {
        const QJsonDocument d = QJsonDocument::fromJson(text);
        return d.isArray() ? QJsonValue(d.array()) : QJsonValue(d.object());
    }
    QJsonObject object() const { return value().toObject(); }
    QJsonObject result() const { return object().value(QLatin1String("result")).toObject(); }
    int errorCode() const
    {
        return object()
            .value(QLatin1String("error"))
            .toObject()
            .value(QLatin1String("code"))
            .toInt();
    }
    QString errorMessage() const
    {
        return object()
            .value(QLatin1String("error"))
            .toObject()
            .value(QLatin1String("message"))
            .toString();
    }
};

} // namespace

class TestMcpServer : public QObject
{
    Q_OBJECT

private:
    std::unique_ptr<McpServer> server;
    std::unique_ptr<McpSession> session;

    // Sends and waits for the reply (tool calls answer from the thread pool).
    Exchange send(const QByteArray &text, McpSession *in = nullptr)
    {
        auto result = std::make_shared<Exchange>();
        result->answers
            = server->handle(in ? in : session.get(), text, [result](const QByteArray &reply) {
                  result->replied = true;
                  result->text = reply;
              });
        if (result->answers)
            (void)QTest::qWaitFor([&] { return result->replied; }, 10000);
        return *result;
    }
    Exchange send(const QJsonObject &message, McpSession *in = nullptr)
    {
        return send(json(message), in);
    }

    void initialize(const QString &version = QStringLiteral("2025-11-25"), McpSession *in = nullptr)
    {
        const Exchange e
            = send(request(0, QStringLiteral("initialize"),
                           {{QStringLiteral("protocolVersion"), version},
                            {QStringLiteral("capabilities"), QJsonObject()},
                            {QStringLiteral("clientInfo"),
                             QJsonObject {{QStringLiteral("name"), QStringLiteral("test")},
                                          {QStringLiteral("version"), QStringLiteral("1")}}}}),
                   in);
        QVERIFY2(e.result().contains(QLatin1String("protocolVersion")), e.text.constData());
        send(notification(QStringLiteral("notifications/initialized")), in);
    }

private Q_SLOTS:
    void init()
    {
        ToolSet tools = McpTestServerTools::create();
        AgentTool bare;
        bare.name = QStringLiteral("bare");
        bare.description = QStringLiteral("No parameters, no annotations title.");
        bare.execute = [](const QJsonObject &args, const CancellationToken &) {
            return ToolOutput::success(QString::number(args.size()));
        };
        tools.add(bare);
        AgentTool where;
        where.name = QStringLiteral("where");
        where.description = QStringLiteral("Reports whether it runs on the main thread.");
        where.execute = [](const QJsonObject &, const CancellationToken &) {
            return ToolOutput::success(QThread::currentThread() == qApp->thread()
                                           ? QStringLiteral("main")
                                           : QStringLiteral("worker"));
        };
        tools.add(where);
        server = std::make_unique<McpServer>(tools);
        server->setServerInfo(QStringLiteral("ktx-test"), QStringLiteral("9.9"),
                              QStringLiteral("Test"));
        server->setInstructions(QStringLiteral("Use the tools."));
        session = std::make_unique<McpSession>();
    }
    void cleanup()
    {
        session.reset();
        server.reset();
    }

    void negotiatesProtocolVersion_data()
    {
        QTest::addColumn<QString>("requested");
        QTest::addColumn<QString>("answered");
        QTest::newRow("2025-11-25") << "2025-11-25"
                                    << "2025-11-25";
        QTest::newRow("2025-06-18") << "2025-06-18"
                                    << "2025-06-18";
        QTest::newRow("2025-03-26") << "2025-03-26"
                                    << "2025-03-26";
        QTest::newRow("2024-11-05") << "2024-11-05"
                                    << "2024-11-05";
        QTest::newRow("unknown old") << "2024-10-07"
                                     << "2025-11-25";
        QTest::newRow("unknown new") << "2026-07-28"
                                     << "2025-11-25";
        QTest::newRow("not a date") << "latest"
                                    << "2025-11-25";
    }

    void negotiatesProtocolVersion()
    {
        QFETCH(QString, requested);
        QFETCH(QString, answered);
        const Exchange e = send(request(1, QStringLiteral("initialize"),
                                        {{QStringLiteral("protocolVersion"), requested}}));
        QVERIFY(e.answers);
        const QJsonObject r = e.result();
        QCOMPARE(r.value(QLatin1String("protocolVersion")).toString(), answered);
        QCOMPARE(session->protocolVersion(), answered);
        QVERIFY(r.value(QLatin1String("capabilities")).toObject().contains(QLatin1String("tools")));
        QVERIFY(
            r.value(QLatin1String("capabilities")).toObject().contains(QLatin1String("logging")));
        QCOMPARE(
            r.value(QLatin1String("serverInfo")).toObject().value(QLatin1String("name")).toString(),
            QStringLiteral("ktx-test"));
        QCOMPARE(r.value(QLatin1String("serverInfo"))
                     .toObject()
                     .value(QLatin1String("version"))
                     .toString(),
                 QStringLiteral("9.9"));
        QCOMPARE(r.value(QLatin1String("instructions")).toString(),
                 QStringLiteral("Use the tools."));
        QCOMPARE(e.object().value(QLatin1String("id")).toInt(), 1);
    }

    void initializeErrors()
    {
        Exchange e = send(request(1, QStringLiteral("initialize")));
        QCOMPARE(e.errorCode(), -32602);
        QVERIFY(!session->isInitialized());
        e = send(request(2, QStringLiteral("initialize"),
                         {{QStringLiteral("protocolVersion"), 20250618}}));
        QCOMPARE(e.errorCode(), -32602);
        initialize();
        e = send(request(3, QStringLiteral("initialize"),
                         {{QStringLiteral("protocolVersion"), QStringLiteral("2025-06-18")}}));
        QCOMPARE(e.errorCode(), -32600);
        QCOMPARE(session->protocolVersion(), QStringLiteral("2025-11-25"));
        QVERIFY(session->isClientReady());
    }

    void requestsBeforeInitialize()
    {
        QCOMPARE(send(request(1, QStringLiteral("ping"))).result(), QJsonObject());
        QCOMPARE(send(request(2, QStringLiteral("tools/list"))).errorCode(), -32600);
        QCOMPARE(
            send(request(3, QStringLiteral("tools/call"), callParams(QStringLiteral("echo"), {})))
                .errorCode(),
            -32600);
    }

    void jsonRpcErrors_data()
    {
        QTest::addColumn<QByteArray>("text");
        QTest::addColumn<int>("code");
        QTest::addColumn<QJsonValue>("id");
        const QJsonValue null(QJsonValue::Null);
        QTest::newRow("not json") << QByteArray("{\"jsonrpc\": \"2.0\", \"id\": 1, ") << -32700
                                  << null;
        QTest::newRow("garbage") << QByteArray("hello") << -32700 << null;
        QTest::newRow("scalar") << QByteArray("42") << -32600 << null;
        QTest::newRow("string") << QByteArray("\"ping\"") << -32600 << null;
        QTest::newRow("object id")
            << QByteArray(R"({"jsonrpc":"2.0","id":{},"method":"ping"})") << -32600 << null;
        QTest::newRow("null id") << QByteArray(R"({"jsonrpc":"2.0","id":null,"method":"ping"})")
                                 << -32600 << null;
        QTest::newRow("bool id") << QByteArray(R"({"jsonrpc":"2.0","id":true,"method":"ping"})")
                                 << -32600 << null;
        QTest::newRow("jsonrpc 1.0")
            << QByteArray(R"({"jsonrpc":"1.0","id":7,"method":"ping"})") << -32600 << QJsonValue(7);
        QTest::newRow("no jsonrpc")
            << QByteArray(R"({"id":"a","method":"ping"})") << -32600 << QJsonValue("a");
        QTest::newRow("method number")
            << QByteArray(R"({"jsonrpc":"2.0","id":3,"method":5})") << -32600 << QJsonValue(3);
        QTest::newRow("no method")
            << QByteArray(R"({"jsonrpc":"2.0","id":4})") << -32600 << QJsonValue(4);
        QTest::newRow("params array")
            << QByteArray(R"({"jsonrpc":"2.0","id":5,"method":"ping","params":[]})") << -32602
            << QJsonValue(5);
        QTest::newRow("params string")
            << QByteArray(R"({"jsonrpc":"2.0","id":6,"method":"ping","params":"x"})") << -32600
            << QJsonValue(6);
        QTest::newRow("unknown method")
            << QByteArray(R"({"jsonrpc":"2.0","id":"req-8","method":"sampling/create"})") << -32601
            << QJsonValue("req-8");
        QTest::newRow("big integer id")
            << QByteArray(R"({"jsonrpc":"2.0","id":9007199254740991,"method":"nope"})") << -32601
            << QJsonValue(9007199254740991.0);
    }

    void jsonRpcErrors()
    {
        QFETCH(QByteArray, text);
        QFETCH(int, code);
        QFETCH(QJsonValue, id);
        initialize();
        const Exchange e = send(text);
        QVERIFY(e.answers);
        QCOMPARE(e.errorCode(), code);
        QVERIFY(!e.errorMessage().isEmpty());
        QCOMPARE(e.object().value(QLatin1String("id")), id);
        QCOMPARE(e.object().value(QLatin1String("jsonrpc")).toString(), QStringLiteral("2.0"));
    }

    void messagesWithoutAnswers()
    {
        initialize();
        for (
            const QByteArray &text :
            {QByteArray(R"({"jsonrpc":"2.0","id":1,"result":{}})"),
             QByteArray(R"({"jsonrpc":"2.0","id":1,"error":{"code":1,"message":"x"}})"),
             QByteArray(R"({"jsonrpc":"2.0","method":"notifications/whatever"})"),
             QByteArray(
                 R"({"jsonrpc":"2.0","method":"notifications/cancelled","params":{"requestId":99}})"),
             QByteArray(
                 R"({"jsonrpc":"2.0","method":"notifications/roots/list_changed","params":[]})")}) {
            const Exchange e = send(text);
            QVERIFY2(!e.answers, text.constData());
            QVERIFY(!e.replied);
        }
    }

    void idsAreEchoedExactly()
    {
        initialize();
        QCOMPARE(send(request(QStringLiteral("abc-1"), QStringLiteral("ping")))
                     .object()
                     .value(QLatin1String("id")),
                 QJsonValue("abc-1"));
        QCOMPARE(send(request(0, QStringLiteral("ping"))).object().value(QLatin1String("id")),
                 QJsonValue(0));
        QCOMPARE(send(request(-5, QStringLiteral("ping"))).object().value(QLatin1String("id")),
                 QJsonValue(-5));
        const Exchange call = send(request(
            QStringLiteral("x"), QStringLiteral("tools/call"),
            callParams(QStringLiteral("echo"), {{QStringLiteral("text"), QStringLiteral("t")}})));
        QCOMPARE(call.object().value(QLatin1String("id")), QJsonValue("x"));
    }

    void listsToolsPerVersion_data()
    {
        QTest::addColumn<QString>("version");
        QTest::newRow("2025-11-25") << "2025-11-25";
        QTest::newRow("2025-06-18") << "2025-06-18";
        QTest::newRow("2025-03-26") << "2025-03-26";
        QTest::newRow("2024-11-05") << "2024-11-05";
    }

    void listsToolsPerVersion()
    {
        QFETCH(QString, version);
        initialize(version);
        const QJsonArray tools = send(request(1, QStringLiteral("tools/list")))
                                     .result()
                                     .value(QLatin1String("tools"))
                                     .toArray();
        QStringList names;
        for (const QJsonValue &t : tools)
            names << t.toObject().value(QLatin1String("name")).toString();
        QCOMPARE(names,
                 (QStringList {"echo", "add", "stats", "slow", "fail", "huge", "bare", "where"}));
        const QJsonObject echo = tools.at(0).toObject();
        const QJsonObject stats = tools.at(2).toObject();
        const QJsonObject bare = tools.at(6).toObject();
        QCOMPARE(echo.value(QLatin1String("description")).toString(),
                 QStringLiteral("Returns the text it is given."));
        QCOMPARE(echo.value(QLatin1String("inputSchema"))
                     .toObject()
                     .value(QLatin1String("required"))
                     .toArray(),
                 QJsonArray {"text"});
        // A tool without parameters still gets an object schema that takes none.
        QCOMPARE(bare.value(QLatin1String("inputSchema")).toObject(),
                 (QJsonObject {{"type", "object"}, {"additionalProperties", false}}));
        const bool modern = version >= QLatin1String("2025-06-18");
        QCOMPARE(echo.contains(QLatin1String("title")), modern);
        QCOMPARE(stats.contains(QLatin1String("outputSchema")), modern);
        QVERIFY(!echo.contains(QLatin1String("outputSchema")));
        QCOMPARE(echo.contains(QLatin1String("execution")), version == QLatin1String("2025-11-25"));
        QCOMPARE(echo.contains(QLatin1String("annotations")),
                 version >= QLatin1String("2025-03-26"));
        if (version >= QLatin1String("2025-03-26")) {
            QCOMPARE(echo.value(QLatin1String("annotations")).toObject(),
                     (QJsonObject {{"title", "Echo"},
                                   {"readOnlyHint", true},
                                   {"destructiveHint", false},
                                   {"idempotentHint", true},
                                   {"openWorldHint", false}}));
            QVERIFY(!bare.value(QLatin1String("annotations"))
                         .toObject()
                         .contains(QLatin1String("title")));
        }
    }

    void listToolsRejectsCursors()
    {
        initialize();
        QCOMPARE(send(request(1, QStringLiteral("tools/list"),
                              {{QStringLiteral("cursor"), QStringLiteral("page2")}}))
                     .errorCode(),
                 -32602);
    }

    void emptyListsForResourcesAndPrompts()
    {
        initialize();
        QCOMPARE(send(request(1, QStringLiteral("resources/list"))).result(),
                 (QJsonObject {{"resources", QJsonArray()}}));
        QCOMPARE(send(request(2, QStringLiteral("prompts/list"))).result(),
                 (QJsonObject {{"prompts", QJsonArray()}}));
        QCOMPARE(send(request(3, QStringLiteral("resources/read"),
                              {{QStringLiteral("uri"), QStringLiteral("x://y")}}))
                     .errorCode(),
                 -32601);
    }

    void callsTools()
    {
        initialize();
        Exchange e = send(request(1, QStringLiteral("tools/call"),
                                  callParams(QStringLiteral("echo"),
                                             {{QStringLiteral("text"), QStringLiteral("hi ✓")}})));
        QCOMPARE(e.result(),
                 (QJsonObject {
                     {"content", QJsonArray {QJsonObject {{"type", "text"}, {"text", "hi ✓"}}}},
                     {"isError", false}}));

        e = send(request(
            2, QStringLiteral("tools/call"),
            callParams(QStringLiteral("stats"), {{QStringLiteral("values"), QJsonArray {2, 4}}})));
        QCOMPARE(e.result().value(QLatin1String("structuredContent")).toObject(),
                 (QJsonObject {{"count", 2}, {"sum", 6}, {"mean", 3}}));
        QCOMPARE(e.result()
                     .value(QLatin1String("content"))
                     .toArray()
                     .first()
                     .toObject()
                     .value(QLatin1String("text"))
                     .toString(),
                 QStringLiteral("count 2, sum 6, mean 3"));

        e = send(request(3, QStringLiteral("tools/call"),
                         callParams(QStringLiteral("fail"),
                                    {{QStringLiteral("message"), QStringLiteral("nope")}})));
        QCOMPARE(e.result().value(QLatin1String("isError")).toBool(), true);
        QCOMPARE(e.result()
                     .value(QLatin1String("content"))
                     .toArray()
                     .first()
                     .toObject()
                     .value(QLatin1String("text"))
                     .toString(),
                 QStringLiteral("nope"));

        // arguments may be left out, or null, for a tool that takes none
        e = send(request(4, QStringLiteral("tools/call"),
                         {{QStringLiteral("name"), QStringLiteral("bare")}}));
        QCOMPARE(e.result().value(QLatin1String("isError")).toBool(), false);
        e = send(request(5, QStringLiteral("tools/call"),
                         {{QStringLiteral("name"), QStringLiteral("bare")},
                          {QStringLiteral("arguments"), QJsonValue::Null}}));
        QCOMPARE(e.result().value(QLatin1String("isError")).toBool(), false);
    }

    void structuredContentOnlyWhereTheVersionHasIt()
    {
        initialize(QStringLiteral("2025-03-26"));
        const Exchange e = send(request(
            1, QStringLiteral("tools/call"),
            callParams(QStringLiteral("stats"), {{QStringLiteral("values"), QJsonArray {1}}})));
        QVERIFY(!e.result().contains(QLatin1String("structuredContent")));
        QCOMPARE(e.result().value(QLatin1String("content")).toArray().size(), 1);
    }

    void toolCallErrors_data()
    {
        QTest::addColumn<QJsonObject>("params");
        QTest::addColumn<int>("code"); // 0: an isError result
        QTest::addColumn<QString>("message");
        QTest::newRow("unknown tool")
            << QJsonObject {{"name", "nope"}, {"arguments", QJsonObject()}} << -32602
            << "Unknown tool: nope";
        QTest::newRow("no name") << QJsonObject {{"arguments", QJsonObject()}} << -32602 << "name";
        QTest::newRow("name not a string") << QJsonObject {{"name", 3}} << -32602 << "name";
        QTest::newRow("empty name") << QJsonObject {{"name", ""}} << -32602 << "name";
        QTest::newRow("arguments array")
            << QJsonObject {{"name", "echo"}, {"arguments", QJsonArray {1}}} << -32602
            << "arguments";
        QTest::newRow("arguments string")
            << QJsonObject {{"name", "echo"}, {"arguments", "text=hi"}} << -32602 << "arguments";
        QTest::newRow("missing required")
            << QJsonObject {{"name", "echo"}, {"arguments", QJsonObject()}} << 0
            << "missing required property \"text\"";
        QTest::newRow("wrong type")
            << QJsonObject {{"name", "add"}, {"arguments", QJsonObject {{"a", "1"}, {"b", 2}}}} << 0
            << "/a: expected number, got string";
        QTest::newRow("unknown property")
            << QJsonObject {{"name", "echo"},
                            {"arguments", QJsonObject {{"text", "x"}, {"extra", 1}}}}
            << 0 << "unknown property \"extra\"";
        QTest::newRow("out of range")
            << QJsonObject {{"name", "slow"}, {"arguments", QJsonObject {{"ms", -1}}}} << 0
            << "below the minimum";
    }

    void toolCallErrors()
    {
        QFETCH(QJsonObject, params);
        QFETCH(int, code);
        QFETCH(QString, message);
        initialize();
        QSignalSpy started(server.get(), &McpServer::toolCallStarted);
        const Exchange e = send(request(11, QStringLiteral("tools/call"), params));
        if (code != 0) {
            QCOMPARE(e.errorCode(), code);
            QVERIFY2(e.errorMessage().contains(message), qPrintable(e.errorMessage()));
            QCOMPARE(started.size(), 0); // refused before any tool ran
        } else {
            QCOMPARE(e.result().value(QLatin1String("isError")).toBool(), true);
            const QString text = e.result()
                                     .value(QLatin1String("content"))
                                     .toArray()
                                     .first()
                                     .toObject()
                                     .value(QLatin1String("text"))
                                     .toString();
            QVERIFY2(text.contains(message), qPrintable(text));
        }
    }

    void hugeOutputIsCapped()
    {
        initialize();
        const Exchange e = send(
            request(1, QStringLiteral("tools/call"),
                    callParams(QStringLiteral("huge"), {{QStringLiteral("chars"), 250000}})));
        const QString text = e.result()
                                 .value(QLatin1String("content"))
                                 .toArray()
                                 .first()
                                 .toObject()
                                 .value(QLatin1String("text"))
                                 .toString();
        QVERIFY(
            text.contains(QLatin1String("[output truncated: showing 100000 of 250000 characters")));
        QVERIFY(text.size() < 100200);
    }

    void hugeRequestIsHandled()
    {
        initialize();
        const QString big(6 * 1024 * 1024, QLatin1Char('y'));
        const Exchange e
            = send(request(1, QStringLiteral("tools/call"),
                           callParams(QStringLiteral("echo"), {{QStringLiteral("text"), big}})));
        const QString text = e.result()
                                 .value(QLatin1String("content"))
                                 .toArray()
                                 .first()
                                 .toObject()
                                 .value(QLatin1String("text"))
                                 .toString();
        QVERIFY(text.size() < 100200);
        QVERIFY(text.startsWith(QLatin1String("yyyy")));
        QVERIFY(text.contains(QLatin1String("[output truncated")));
    }

    void toolsRunOnWorkerThreads()
    {
        initialize();
        const Exchange e = send(
            request(1, QStringLiteral("tools/call"), callParams(QStringLiteral("where"), {})));
        QCOMPARE(e.result()
                     .value(QLatin1String("content"))
                     .toArray()
                     .first()
                     .toObject()
                     .value(QLatin1String("text"))
                     .toString(),
                 QStringLiteral("worker"));
    }

    void toolCallSignals()
    {
        initialize();
        QSignalSpy started(server.get(), &McpServer::toolCallStarted);
        QSignalSpy finished(server.get(), &McpServer::toolCallFinished);
        send(request(QStringLiteral("s1"), QStringLiteral("tools/call"),
                     callParams(QStringLiteral("slow"), {{QStringLiteral("ms"), 30}})));
        QCOMPARE(started.size(), 1);
        QCOMPARE(finished.size(), 1);
        const McpToolCall begin = started.first().first().value<McpToolCall>();
        const McpToolCall end = finished.first().first().value<McpToolCall>();
        QCOMPARE(begin.serial, end.serial);
        QCOMPARE(begin.tool, QStringLiteral("slow"));
        QCOMPARE(begin.arguments, (QJsonObject {{"ms", 30}}));
        QCOMPARE(begin.requestId, QJsonValue("s1"));
        QCOMPARE(end.output.text, QStringLiteral("waited 30 ms"));
        QVERIFY(!end.output.isError);
        QVERIFY(!end.cancelled);
        QVERIFY(end.durationMs >= 29.0); // the tool slept at least that long
    }

    void cancelledNotificationStopsTheTool()
    {
        initialize();
        QSignalSpy finished(server.get(), &McpServer::toolCallFinished);
        bool replied = false;
        QByteArray answer = "unset";
        const bool answers = server->handle(
            session.get(),
            json(request(7, QStringLiteral("tools/call"),
                         callParams(QStringLiteral("slow"), {{QStringLiteral("ms"), 60000}}))),
            [&](const QByteArray &reply) {
                replied = true;
                answer = reply;
            });
        QVERIFY(answers);
        QCOMPARE(session->callsInFlight(), 1);
        // The same id cannot be reused while the call runs.
        QCOMPARE(send(request(7, QStringLiteral("tools/call"),
                              callParams(QStringLiteral("echo"),
                                         {{QStringLiteral("text"), QStringLiteral("x")}})))
                     .errorCode(),
                 -32600);
        // A cancellation for another id changes nothing.
        send(notification(QStringLiteral("notifications/cancelled"),
                          {{QStringLiteral("requestId"), 8}}));
        send(notification(QStringLiteral("notifications/cancelled"),
                          {{QStringLiteral("requestId"), QStringLiteral("7")}}));
        QTest::qWait(50);
        QVERIFY(!replied);
        send(notification(QStringLiteral("notifications/cancelled"),
                          {{QStringLiteral("requestId"), 7},
                           {QStringLiteral("reason"), QStringLiteral("user")}}));
        QTRY_VERIFY_WITH_TIMEOUT(replied, 10000);
        QVERIFY(answer.isEmpty()); // a cancelled request gets no response
        QCOMPARE(finished.size(), 1);
        const McpToolCall call = finished.first().first().value<McpToolCall>();
        QVERIFY(call.cancelled);
        QVERIFY(call.output.text.startsWith(QLatin1String("cancelled after")));
        QCOMPARE(session->callsInFlight(), 0);
        // The id is free again.
        QCOMPARE(send(request(7, QStringLiteral("ping"))).result(), QJsonObject());
    }

    void cancelApiAndSessionEndCancel()
    {
        initialize();
        QSignalSpy finished(server.get(), &McpServer::toolCallFinished);
        int replies = 0;
        const auto count = [&](const QByteArray &reply) {
            QVERIFY(reply.isEmpty());
            ++replies;
        };
        server->handle(
            session.get(),
            json(request(QStringLiteral("a"), QStringLiteral("tools/call"),
                         callParams(QStringLiteral("slow"), {{QStringLiteral("ms"), 60000}}))),
            count);
        server->cancel(session.get(), QJsonValue("a"));
        QTRY_COMPARE_WITH_TIMEOUT(replies, 1, 10000);

        McpSession other;
        initialize(QStringLiteral("2025-06-18"), &other);
        server->handle(
            &other,
            json(request(1, QStringLiteral("tools/call"),
                         callParams(QStringLiteral("slow"), {{QStringLiteral("ms"), 60000}}))),
            count);
        server->handle(
            &other,
            json(request(2, QStringLiteral("tools/call"),
                         callParams(QStringLiteral("slow"), {{QStringLiteral("ms"), 60000}}))),
            count);
        QCOMPARE(other.callsInFlight(), 2);
        other.cancelAll();
        QTRY_COMPARE_WITH_TIMEOUT(replies, 3, 10000);
        QCOMPARE(finished.size(), 3);
        for (const QList<QVariant> &args : finished)
            QVERIFY(args.first().value<McpToolCall>().cancelled);
    }

    void sessionDeletedDuringACall()
    {
        initialize();
        auto doomed = std::make_unique<McpSession>();
        initialize(QStringLiteral("2025-11-25"), doomed.get());
        QSignalSpy finished(server.get(), &McpServer::toolCallFinished);
        bool replied = false;
        server->handle(
            doomed.get(),
            json(request(1, QStringLiteral("tools/call"),
                         callParams(QStringLiteral("slow"), {{QStringLiteral("ms"), 60000}}))),
            [&](const QByteArray &reply) {
                replied = true;
                QVERIFY(reply.isEmpty());
            });
        doomed.reset();
        QTRY_VERIFY_WITH_TIMEOUT(replied, 10000);
        QCOMPARE(finished.size(), 1);
    }

    void serverDeletedDuringACall()
    {
        initialize();
        bool replied = false;
        server->handle(
            session.get(),
            json(request(1, QStringLiteral("tools/call"),
                         callParams(QStringLiteral("slow"), {{QStringLiteral("ms"), 60000}}))),
            [&](const QByteArray &) { replied = true; });
        server.reset(); // cancels and waits for the worker; must not hang or crash
        QCoreApplication::processEvents();
        QVERIFY(!replied);
    }

    void manyConcurrentCalls()
    {
        initialize();
        server->setMaxConcurrentCalls(8);
        QHash<int, QString> answers;
        for (int i = 0; i < 60; ++i) {
            server->handle(
                session.get(),
                json(request(i, QStringLiteral("tools/call"),
                             callParams(QStringLiteral("add"),
                                        {{QStringLiteral("a"), i}, {QStringLiteral("b"), 1000}}))),
                [&answers, i](const QByteArray &reply) {
                    const QJsonObject r = QJsonDocument::fromJson(reply).object();
                    QCOMPARE(r.value(QLatin1String("id")).toInt(), i);
                    answers.insert(i,
                                   r.value(QLatin1String("result"))
                                       .toObject()
                                       .value(QLatin1String("content"))
                                       .toArray()
                                       .first()
                                       .toObject()
                                       .value(QLatin1String("text"))
                                       .toString());
                });
        }
        QTRY_COMPARE_WITH_TIMEOUT(answers.size(), 60, 20000);
        for (int i = 0; i < 60; ++i)
            QCOMPARE(answers.value(i), QString::number(i + 1000));
    }

    void batchesIn20250326()
    {
        initialize(QStringLiteral("2025-03-26"));
        const QByteArray batch = "[" + json(request(1, QStringLiteral("ping"))) + ","
            + json(request(2, QStringLiteral("tools/call"),
                           callParams(QStringLiteral("slow"), {{QStringLiteral("ms"), 20}})))
            + "," + json(notification(QStringLiteral("notifications/initialized"))) + ",42,"
            + json(request(3, QStringLiteral("nope"))) + "]";
        const Exchange e = send(batch);
        QVERIFY(e.answers);
        const QJsonArray answers = e.value().toArray();
        QCOMPARE(answers.size(), 4); // ping, the call, the scalar's error, the unknown method
        QHash<QString, QJsonObject> byId;
        int nullIds = 0;
        for (const QJsonValue &a : answers) {
            const QJsonObject o = a.toObject();
            if (o.value(QLatin1String("id")).isNull())
                ++nullIds;
            else
                byId.insert(QString::number(o.value(QLatin1String("id")).toInt()), o);
        }
        QCOMPARE(nullIds, 1);
        QCOMPARE(byId.value("1").value(QLatin1String("result")).toObject(), QJsonObject());
        QCOMPARE(byId.value("2")
                     .value(QLatin1String("result"))
                     .toObject()
                     .value(QLatin1String("content"))
                     .toArray()
                     .first()
                     .toObject()
                     .value(QLatin1String("text"))
                     .toString(),
                 QStringLiteral("waited 20 ms"));
        QCOMPARE(byId.value("3")
                     .value(QLatin1String("error"))
                     .toObject()
                     .value(QLatin1String("code"))
                     .toInt(),
                 -32601);

        const Exchange onlyNotifications
            = send("[" + json(notification(QStringLiteral("notifications/initialized"))) + "]");
        QVERIFY(!onlyNotifications.answers);
        const Exchange empty = send(QByteArray("[]"));
        QCOMPARE(empty.errorCode(), -32600);
    }

    void batchesRefusedElsewhere()
    {
        const QByteArray batch = "[" + json(request(1, QStringLiteral("ping"))) + "]";
        Exchange e = send(batch);
        QCOMPARE(e.errorCode(), -32600); // not initialized
        initialize(QStringLiteral("2025-06-18"));
        e = send(batch);
        QCOMPARE(e.errorCode(), -32600);
        QVERIFY(e.errorMessage().contains(QLatin1String("2025-06-18")));
        QCOMPARE(e.object().value(QLatin1String("id")), QJsonValue(QJsonValue::Null));
    }

    void loggingSetLevel()
    {
        initialize();
        QCOMPARE(send(request(1, QStringLiteral("logging/setLevel"),
                              {{QStringLiteral("level"), QStringLiteral("warning")}}))
                     .result(),
                 QJsonObject());
        QCOMPARE(session->logLevel(), QStringLiteral("warning"));
        QCOMPARE(send(request(2, QStringLiteral("logging/setLevel"),
                              {{QStringLiteral("level"), QStringLiteral("verbose")}}))
                     .errorCode(),
                 -32602);
        QCOMPARE(send(request(3, QStringLiteral("logging/setLevel"))).errorCode(), -32602);
        QCOMPARE(session->logLevel(), QStringLiteral("warning"));
    }

    void clientInfoIsKept()
    {
        initialize();
        QCOMPARE(session->clientInfo().value(QLatin1String("name")).toString(),
                 QStringLiteral("test"));
    }
};

QTEST_GUILESS_MAIN(TestMcpServer)
#include "tst_mcpserver.moc"
