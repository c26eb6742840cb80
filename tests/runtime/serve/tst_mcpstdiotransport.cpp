#include "mcptestservertools.h"
#include "serve/mcpserver.h"
#include "serve/mcpsession.h"
#include "serve/mcpstdiotransport.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QProcess>
#include <QSignalSpy>
#include <QTest>

#include <fcntl.h>
#include <unistd.h>

using namespace ktx;

namespace {

const QByteArray Initialize
    = R"({"jsonrpc":"2.0","id":1,"method":"initialize","params":{"protocolVersion":"2025-06-18","capabilities":{},"clientInfo":{"name":"t","version":"1"}}})";

// The client's ends of two pipes wired to a transport.
struct Pipes
{
    int toServer[2] = {-1, -1};
    int fromServer[2] = {-1, -1};
    QByteArray received;
    Pipes()
    {
        if (::pipe2(toServer, O_CLOEXEC) != 0 || ::pipe2(fromServer, O_CLOEXEC) != 0)
            qFatal("pipe2 failed");
        ::fcntl(fromServer[0], F_SETFL, O_NONBLOCK);
    }
    ~Pipes()
    {
        for (int fd : {toServer[0], toServer[1], fromServer[0], fromServer[1]}) {
            if (fd >= 0)
                ::close(fd);
        }
    }
    void write(const QByteArray &bytes) const
    {
        QCOMPARE(::write(toServer[1], bytes.constData(), bytes.size()), ssize_t(bytes.size()));
    }
    void closeInput()
    {
        ::close(toServer[1]);
        toServer[1] = -1;
    }
    void drain()
    {
        char buffer[65536];
        ssize_t n;
        while ((n = ::read(fromServer[0], buffer, sizeof buffer)) > 0)
            received.append(buffer, n);
    }
    // Waits for the next complete line the server wrote.
    QJsonObject nextLine(int ms = 10000)
    {
        QByteArray line;
        (void)QTest::qWaitFor(
            [&] {
                drain();
                const qsizetype nl = received.indexOf('\n');
                if (nl < 0)
                    return false;
                line = received.left(nl);
                received.remove(0, nl + 1);
                return true;
            },
            ms);
        return QJsonDocument::fromJson(line).object();
    }
};

} // namespace

class TestMcpStdioTransport : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void framesMessages()
    {
        McpServer server(McpTestServerTools::create());
        Pipes pipes;
        McpStdioTransport transport(&server, pipes.toServer[0], pipes.fromServer[1]);
        transport.start();
        // Split writes, CRLF, blank lines and two messages in one write.
        const QByteArray init = Initialize;
        pipes.write(init.left(20));
        QTest::qWait(20);
        pipes.write(init.mid(20) + "\r\n\n   \n");
        QCOMPARE(pipes.nextLine()
                     .value(QLatin1String("result"))
                     .toObject()
                     .value(QLatin1String("protocolVersion"))
                     .toString(),
                 QStringLiteral("2025-06-18"));
        pipes.write(
            R"({"jsonrpc":"2.0","method":"notifications/initialized"})"
            "\n"
            R"({"jsonrpc":"2.0","id":2,"method":"tools/call","params":{"name":"echo","arguments":{"text":"line\nbreak"}}})"
            "\n"
            R"({"jsonrpc":"2.0","id":3,"method":"ping"})"
            "\n");
        QJsonObject a = pipes.nextLine();
        QJsonObject b = pipes.nextLine();
        if (a.value(QLatin1String("id")).toInt() == 3)
            std::swap(a, b); // the ping may overtake the tool call
        QCOMPARE(a.value(QLatin1String("result"))
                     .toObject()
                     .value(QLatin1String("content"))
                     .toArray()
                     .first()
                     .toObject()
                     .value(QLatin1String("text"))
                     .toString(),
                 QStringLiteral("line\nbreak"));
        QCOMPARE(b.value(QLatin1String("id")).toInt(), 3);
        QVERIFY(transport.session()->isClientReady());
        pipes.write("not json\n");
        QCOMPARE(pipes.nextLine()
                     .value(QLatin1String("error"))
                     .toObject()
                     .value(QLatin1String("code"))
                     .toInt(),
                 -32700);
    }

    void oversizedLinesAreRefusedAndSkipped()
    {
        McpServer server(McpTestServerTools::create());
        Pipes pipes;
        McpStdioTransport transport(&server, pipes.toServer[0], pipes.fromServer[1]);
        transport.setMaxMessageBytes(1024);
        transport.start();
        pipes.write(Initialize + "\n");
        pipes.nextLine();
        const QJsonObject big {{"jsonrpc", "2.0"},
                               {"id", 2},
                               {"method", "ping"},
                               {"params", QJsonObject {{"pad", QString(200 * 1024, u'q')}}}};
        pipes.write(QJsonDocument(big).toJson(QJsonDocument::Compact) + "\n"
                    + R"({"jsonrpc":"2.0","id":3,"method":"ping"})" + "\n");
        const QJsonObject refused = pipes.nextLine();
        QCOMPARE(
            refused.value(QLatin1String("error")).toObject().value(QLatin1String("code")).toInt(),
            -32600);
        QVERIFY(refused.value(QLatin1String("id")).isNull());
        QCOMPARE(pipes.nextLine().value(QLatin1String("id")).toInt(), 3);
    }

    void endOfInputCancelsAndFinishes()
    {
        McpServer server(McpTestServerTools::create());
        Pipes pipes;
        McpStdioTransport transport(&server, pipes.toServer[0], pipes.fromServer[1]);
        QSignalSpy finished(&transport, &McpStdioTransport::finished);
        QSignalSpy calls(&server, &McpServer::toolCallFinished);
        QSignalSpy started(&server, &McpServer::toolCallStarted);
        transport.start();
        pipes.write(
            Initialize + "\n"
            + R"({"jsonrpc":"2.0","id":2,"method":"tools/call","params":{"name":"slow","arguments":{"ms":60000}}})"
              "\n");
        QTRY_COMPARE(started.size(), 1);
        pipes.closeInput();
        QTRY_COMPARE_WITH_TIMEOUT(finished.size(), 1, 10000);
        QCOMPARE(calls.size(), 1); // finished() waits for the call to wind down
        QVERIFY(calls.first().first().value<McpToolCall>().cancelled);
        pipes.drain();
        QCOMPARE(pipes.received.count('\n'),
                 1); // the initialize answer only; no answer for the cancelled call
    }

    void lastLineWithoutNewlineCounts()
    {
        McpServer server(McpTestServerTools::create());
        Pipes pipes;
        McpStdioTransport transport(&server, pipes.toServer[0], pipes.fromServer[1]);
        QSignalSpy finished(&transport, &McpStdioTransport::finished);
        transport.start();
        pipes.write(Initialize);
        pipes.closeInput();
        QCOMPARE(pipes.nextLine().value(QLatin1String("id")).toInt(), 1);
        QTRY_COMPARE(finished.size(), 1);
    }

    void destroyingTheTransportStopsTheReader()
    {
        McpServer server(McpTestServerTools::create());
        Pipes pipes;
        {
            McpStdioTransport transport(&server, pipes.toServer[0], pipes.fromServer[1]);
            transport.start();
            pipes.write(Initialize + "\n");
            pipes.nextLine();
        } // the reader is blocked in poll() on an open pipe; this must not hang
        QVERIFY(true);
    }

    void realBinaryKeepsStdoutClean()
    {
        QProcess process;
        process.start(QStringLiteral(KTX_TEST_MCP_SERVER), {QStringLiteral("--stdio")});
        QVERIFY(process.waitForStarted());
        process.write(Initialize + "\n");
        process.write(R"({"jsonrpc":"2.0","method":"notifications/initialized"})"
                      "\n");
        process.write(
            R"({"jsonrpc":"2.0","id":2,"method":"tools/call","params":{"name":"fail","arguments":{}}})"
            "\n");
        process.write(
            R"({"jsonrpc":"2.0","id":3,"method":"tools/call","params":{"name":"huge","arguments":{"chars":150000}}})"
            "\n");
        process.write(R"({"jsonrpc":"2.0","id":4,"method":"tools/list"})"
                      "\n");
        QByteArray out;
        QVERIFY(QTest::qWaitFor(
            [&] {
                out += process.readAllStandardOutput();
                return out.count('\n') >= 4;
            },
            15000));
        process.closeWriteChannel();
        QVERIFY(process.waitForFinished(10000));
        QCOMPARE(process.exitStatus(), QProcess::NormalExit);
        QCOMPARE(process.exitCode(), 0);
        out += process.readAllStandardOutput();
        const QList<QByteArray> lines = out.trimmed().split('\n');
        QCOMPARE(lines.size(), 4);
        QSet<int> ids;
        for (const QByteArray &line : lines) {
            QJsonParseError error;
            const QJsonObject message = QJsonDocument::fromJson(line, &error).object();
            QCOMPARE(error.error, QJsonParseError::NoError);
            QCOMPARE(message.value(QLatin1String("jsonrpc")).toString(), QStringLiteral("2.0"));
            ids.insert(message.value(QLatin1String("id")).toInt());
        }
        QCOMPARE(ids, (QSet<int> {1, 2, 3, 4}));
        const QByteArray err = process.readAllStandardError();
        QVERIFY2(err.contains("call fail error"), err.constData());
        QVERIFY2(err.contains("call huge ok"), err.constData());
    }
};

QTEST_GUILESS_MAIN(TestMcpStdioTransport)
#include "tst_mcpstdiotransport.moc"
