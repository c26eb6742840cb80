// `ktx mcp` as a user runs it, on the demo project with the demo sources: the
// detached daemon (start, status, /health, logs, stop, stale state, port in
// use, the token rule), `start --foreground`, `stdio`, and bad input over
// HTTP and stdio (malformed JSON-RPC, wrong types, a huge body, a client that
// hangs up mid-call), after which the server must still answer.
#include <QDir>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QProcess>
#include <QRegularExpression>
#include <QSignalSpy>
#include <QTcpServer>
#include <QTcpSocket>
#include <QTemporaryDir>
#include <QTest>

#include <csignal>

namespace {

struct Run
{
    int exitCode = -1;
    QString out;
    QString err;
};

struct Http
{
    int status = 0;
    QByteArray body;
    QJsonObject json() const { return QJsonDocument::fromJson(body).object(); }
};

QProcessEnvironment ktxEnvironment(const QMap<QString, QString> &extra = {})
{
    QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
    env.remove(QStringLiteral("KTX_PROJECT_DIR"));
    env.remove(QStringLiteral("KTX_MCP_TOKEN"));
    for (auto it = extra.begin(); it != extra.end(); ++it)
        env.insert(it.key(), it.value());
    return env;
}

Run runKtx(const QStringList &args, const QString &workDir, const QMap<QString, QString> &env = {})
{
    QProcess p;
    p.setProcessEnvironment(ktxEnvironment(env));
    p.setWorkingDirectory(workDir);
    p.start(qEnvironmentVariable("KTX_CLI"), args);
    p.closeWriteChannel();
    if (!p.waitForFinished(60000))
        p.kill();
    return {p.exitCode(), QString::fromUtf8(p.readAllStandardOutput()),
            QString::fromUtf8(p.readAllStandardError())};
}

Http http(const QByteArray &method, const QUrl &url, const QByteArray &body = {},
          const QList<std::pair<QByteArray, QByteArray>> &headers = {})
{
    QNetworkAccessManager nam;
    QNetworkRequest request(url);
    for (const auto &[name, value] : headers)
        request.setRawHeader(name, value);
    QNetworkReply *reply = nam.sendCustomRequest(request, method, body);
    QSignalSpy done(reply, &QNetworkReply::finished);
    done.wait(30000);
    Http out {reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt(), reply->readAll()};
    reply->deleteLater();
    return out;
}

const QList<std::pair<QByteArray, QByteArray>> kJsonHeaders {
    {"Content-Type", "application/json"}, {"Accept", "application/json, text/event-stream"}};

// One JSON-RPC exchange on an initialized HTTP session.
Http rpc(const QUrl &url, const QByteArray &session, const QByteArray &body,
         QList<std::pair<QByteArray, QByteArray>> headers = kJsonHeaders)
{
    headers << std::pair<QByteArray, QByteArray> {"Mcp-Session-Id", session};
    return http("POST", url, body, headers);
}

QByteArray initialize(const QUrl &url,
                      QList<std::pair<QByteArray, QByteArray>> headers = kJsonHeaders)
{
    QNetworkAccessManager nam;
    QNetworkRequest request(url);
    for (const auto &[name, value] : headers)
        request.setRawHeader(name, value);
    QNetworkReply *reply = nam.post(
        request,
        R"({"jsonrpc":"2.0","id":1,"method":"initialize","params":{"protocolVersion":"2025-11-25","capabilities":{},"clientInfo":{"name":"tst","version":"1"}}})");
    QSignalSpy done(reply, &QNetworkReply::finished);
    done.wait(30000);
    const QByteArray session = reply->rawHeader("Mcp-Session-Id");
    reply->deleteLater();
    return session;
}

} // namespace

class TestCliMcp : public QObject
{
    Q_OBJECT

    QTemporaryDir m_tmp;
    QString m_project;

    Run mcp(const QStringList &args, const QMap<QString, QString> &env = {})
    {
        return runKtx(QStringList {QStringLiteral("mcp")} + args, m_project, env);
    }
    QJsonObject state() const
    {
        QFile f(m_project + QStringLiteral("/.ktx/mcp.json"));
        if (!f.open(QIODevice::ReadOnly))
            return {};
        return QJsonDocument::fromJson(f.readAll()).object();
    }
    QString log() const
    {
        QFile f(m_project + QStringLiteral("/.ktx/logs/mcp.log"));
        return f.open(QIODevice::ReadOnly) ? QString::fromUtf8(f.readAll()) : QString();
    }
    // A zombie (exited, not yet reaped by whoever adopted it) is not alive.
    static bool alive(qint64 pid)
    {
        if (::kill(pid_t(pid), 0) != 0)
            return false;
        QFile stat(QStringLiteral("/proc/%1/stat").arg(pid));
        if (!stat.open(QIODevice::ReadOnly))
            return true;
        const QByteArray text = stat.readAll();
        const qsizetype close = text.lastIndexOf(')');
        return close < 0 || close + 2 >= text.size() || text.at(close + 2) != 'Z';
    }

private Q_SLOTS:
    void initTestCase()
    {
        QVERIFY(m_tmp.isValid());
        m_project = m_tmp.filePath(QStringLiteral("demo"));
        const Run made
            = runKtx({QStringLiteral("admin"), QStringLiteral("demo"), m_project}, m_tmp.path());
        QVERIFY2(made.exitCode == 0, qPrintable(made.err));
        const QString target = m_project + QStringLiteral("/semantic-layer/demo_warehouse/");
        QVERIFY(QDir().mkpath(target));
        const QDir sources(
            QStringLiteral(KTX_TEST_SOURCE_DIR "/tests/runtime/semantic/demo-sources"));
        for (const QString &f : sources.entryList({QStringLiteral("*.yaml")}, QDir::Files))
            QVERIFY(QFile::copy(sources.filePath(f), target + f));
    }

    void cleanupTestCase()
    {
        // Never leave a daemon behind, whatever failed.
        if (!m_project.isEmpty())
            mcp({QStringLiteral("stop")});
    }

    void daemonLifecycle()
    {
        const Run idle = mcp({});
        QCOMPARE(idle.exitCode, 0);
        QVERIFY2(idle.out.startsWith(QLatin1String("ktx MCP daemon is not running.")),
                 qPrintable(idle.out));

        const Run started
            = mcp({QStringLiteral("start"), QStringLiteral("--port"), QStringLiteral("0")});
        QVERIFY2(started.exitCode == 0, qPrintable(started.err));
        const QRegularExpressionMatch m
            = QRegularExpression(
                  QStringLiteral("^ktx MCP daemon started: (http://127\\.0\\.0\\.1:(\\d+)/mcp)\n"
                                 "ktx is ready for configured agents\\.\n"))
                  .match(started.out);
        QVERIFY2(m.hasMatch(), qPrintable(started.out));
        const QUrl url(m.captured(1));
        const int port = m.captured(2).toInt();

        const QJsonObject s = state();
        const qint64 pid = qint64(s.value(QLatin1String("pid")).toDouble());
        QVERIFY(pid > 0 && alive(pid));
        QCOMPARE(s.value(QLatin1String("port")).toInt(), port);
        QCOMPARE(s.value(QLatin1String("host")).toString(), QStringLiteral("127.0.0.1"));
        QCOMPARE(s.value(QLatin1String("url")).toString(), url.toString());
        QCOMPARE(s.value(QLatin1String("tokenAuth")).toBool(), false);
        QCOMPARE(QDir(s.value(QLatin1String("projectDir")).toString()).canonicalPath(),
                 QDir(m_project).canonicalPath());
        QVERIFY(s.contains(QLatin1String("startedAt")));

        const Run status = mcp({QStringLiteral("status")});
        QCOMPARE(status.exitCode, 0);
        QVERIFY2(status.out.startsWith(QLatin1String("ktx MCP daemon is running.\n")),
                 qPrintable(status.out));
        QVERIFY(status.out.contains(QStringLiteral("URL: %1\n").arg(url.toString())));
        QVERIFY(status.out.contains(QStringLiteral("PID: %1\n").arg(pid)));
        QVERIFY(status.out.contains(QLatin1String("Token auth: disabled\n")));
        QVERIFY(status.out.contains(QLatin1String("Project: ")));

        const Run again
            = mcp({QStringLiteral("start"), QStringLiteral("--port"), QStringLiteral("0")});
        QCOMPARE(again.exitCode, 0);
        QVERIFY2(again.out.startsWith(
                     QStringLiteral("ktx MCP daemon already running: %1\n").arg(url.toString())),
                 qPrintable(again.out));
        QCOMPARE(qint64(state().value(QLatin1String("pid")).toDouble()), pid);

        QUrl health = url;
        health.setPath(QStringLiteral("/health"));
        const Http h = http("GET", health);
        QCOMPARE(h.status, 200);
        QCOMPARE(h.json().value(QLatin1String("status")).toString(), QStringLiteral("ok"));
        QCOMPARE(h.json().value(QLatin1String("port")).toInt(), port);
        QVERIFY(h.json().value(QLatin1String("uptimeMs")).toDouble() >= 0);
        QCOMPARE(QDir(h.json().value(QLatin1String("projectDir")).toString()).canonicalPath(),
                 QDir(m_project).canonicalPath());

        // A call, logged by name and outcome only.
        const QByteArray session = initialize(url);
        QVERIFY(!session.isEmpty());
        const Http call = rpc(
            url, session,
            R"({"jsonrpc":"2.0","id":2,"method":"tools/call","params":{"name":"sl_query","arguments":{"measures":["orders.order_count"],"filters":["orders.status = 'secret_marker'"]}}})");
        QCOMPARE(call.status, 200);
        QCOMPARE(call.json()
                     .value(QLatin1String("result"))
                     .toObject()
                     .value(QLatin1String("isError"))
                     .toBool(),
                 false);
        QTRY_VERIFY_WITH_TIMEOUT(log().contains(QLatin1String("tool=sl_query outcome=ok")), 5000);
        QVERIFY(!log().contains(QLatin1String("secret_marker")));
        const Run logs = mcp({QStringLiteral("logs")});
        QCOMPARE(logs.exitCode, 0);
        QVERIFY(logs.out.contains(QLatin1String("tool=sl_query outcome=ok")));

        const Run stopped = mcp({QStringLiteral("stop")});
        QCOMPARE(stopped.exitCode, 0);
        QCOMPARE(stopped.out, QStringLiteral("ktx MCP daemon stopped.\n"));
        QVERIFY(!alive(pid));
        QVERIFY(!QFile::exists(m_project + QStringLiteral("/.ktx/mcp.json")));
        QCOMPARE(mcp({QStringLiteral("stop")}).out,
                 QStringLiteral("ktx MCP daemon is not running.\n"));
        QVERIFY(http("GET", health).status == 0); // nothing listens any more
    }

    void tokenIsRequiredAndNeverStored()
    {
        const QString token = QStringLiteral("tok-%1").arg(QDateTime::currentMSecsSinceEpoch());
        const Run started
            = mcp({QStringLiteral("start"), QStringLiteral("--port"), QStringLiteral("0")},
                  {{QStringLiteral("KTX_MCP_TOKEN"), token}});
        QVERIFY2(started.exitCode == 0, qPrintable(started.err));
        QFile file(m_project + QStringLiteral("/.ktx/mcp.json"));
        QVERIFY(file.open(QIODevice::ReadOnly));
        const QByteArray bytes = file.readAll();
        QVERIFY(!bytes.contains(token.toUtf8()));
        const QJsonObject s = QJsonDocument::fromJson(bytes).object();
        QCOMPARE(s.value(QLatin1String("tokenAuth")).toBool(), true);
        QVERIFY(mcp({}).out.contains(QLatin1String("Token auth: enabled")));
        const QUrl url(s.value(QLatin1String("url")).toString());
        QVERIFY(initialize(url).isEmpty()); // 401 without the token
        QList<std::pair<QByteArray, QByteArray>> headers = kJsonHeaders;
        headers << std::pair<QByteArray, QByteArray> {"Authorization", "Bearer " + token.toUtf8()};
        QVERIFY(!initialize(url, headers).isEmpty());
        QVERIFY(!log().contains(token));
        QCOMPARE(mcp({QStringLiteral("stop")}).exitCode, 0);
    }

    void nonLoopbackWithoutTokenIsRefused()
    {
        const Run r
            = mcp({QStringLiteral("start"), QStringLiteral("--host"), QStringLiteral("0.0.0.0"),
                   QStringLiteral("--port"), QStringLiteral("0")});
        QCOMPARE(r.exitCode, 1);
        QVERIFY2(r.err.contains(QLatin1String("non-loopback host 0.0.0.0 without a token")),
                 qPrintable(r.err));
        QVERIFY(r.err.contains(QLatin1String("KTX_MCP_TOKEN")));
        QVERIFY(!QFile::exists(m_project + QStringLiteral("/.ktx/mcp.json")));
    }

    void portInUseNamesThePortAndTheFix()
    {
        QTcpServer taken;
        QVERIFY(taken.listen(QHostAddress::LocalHost, 0));
        const QString port = QString::number(taken.serverPort());
        for (const QString &mode : {QString(), QStringLiteral("--foreground")}) {
            QStringList args {QStringLiteral("start"), QStringLiteral("--port"), port};
            if (!mode.isEmpty())
                args << mode;
            const Run r = mcp(args);
            QCOMPARE(r.exitCode, 1);
            QVERIFY2(
                r.err.contains(QStringLiteral("Port %1 on 127.0.0.1 is already in use.").arg(port)),
                qPrintable(r.err));
            QVERIFY(r.err.contains(QLatin1String("--port")));
        }
        QVERIFY(!QFile::exists(m_project + QStringLiteral("/.ktx/mcp.json")));
    }

    void staleStateIsDetectedAndCleaned()
    {
        QProcess gone;
        gone.start(QStringLiteral("/bin/sleep"), {QStringLiteral("0.1")});
        QVERIFY(gone.waitForStarted());
        const qint64 deadPid = gone.processId();
        QVERIFY(gone.waitForFinished());
        QVERIFY(deadPid > 0 && !alive(deadPid));
        QDir().mkpath(m_project + QStringLiteral("/.ktx"));
        QFile f(m_project + QStringLiteral("/.ktx/mcp.json"));
        QVERIFY(f.open(QIODevice::WriteOnly));
        f.write(QJsonDocument(
                    QJsonObject {{QStringLiteral("pid"), double(deadPid)},
                                 {QStringLiteral("url"), QStringLiteral("http://127.0.0.1:1/mcp")}})
                    .toJson());
        f.close();
        const Run r = mcp({QStringLiteral("status")});
        QCOMPARE(r.exitCode, 0);
        QVERIFY2(
            r.out.startsWith(QLatin1String("ktx MCP daemon is not running.\nRemoved stale state")),
            qPrintable(r.out));
        QVERIFY(!QFile::exists(f.fileName()));
    }

    void foregroundServerSurvivesBadInput()
    {
        QProcess server;
        server.setProcessEnvironment(ktxEnvironment());
        server.setWorkingDirectory(m_project);
        server.start(qEnvironmentVariable("KTX_CLI"),
                     {QStringLiteral("mcp"), QStringLiteral("start"),
                      QStringLiteral("--foreground"), QStringLiteral("--port"),
                      QStringLiteral("0")});
        QVERIFY(server.waitForStarted());
        QTRY_VERIFY_WITH_TIMEOUT(server.canReadLine(), 15000);
        const QString line = QString::fromUtf8(server.readLine()).trimmed();
        const QRegularExpressionMatch m
            = QRegularExpression(
                  QStringLiteral("^ktx MCP server listening at (http://127\\.0\\.0\\.1:\\d+/mcp)$"))
                  .match(line);
        QVERIFY2(m.hasMatch(), qPrintable(line));
        const QUrl url(m.captured(1));
        QCOMPARE(qint64(state().value(QLatin1String("pid")).toDouble()), server.processId());
        QVERIFY(mcp({}).out.startsWith(QLatin1String("ktx MCP daemon is running.")));

        const QByteArray session = initialize(url);
        QVERIFY(!session.isEmpty());
        // Malformed JSON: a parse error, not a crash.
        Http r = rpc(url, session, "{\"jsonrpc\":\"2.0\",\"id\":3,\"method\":");
        QCOMPARE(r.status, 400);
        QCOMPARE(
            r.json().value(QLatin1String("error")).toObject().value(QLatin1String("code")).toInt(),
            -32700);
        // Wrong types: arguments must be an object.
        r = rpc(
            url, session,
            R"({"jsonrpc":"2.0","id":4,"method":"tools/call","params":{"name":"sl_query","arguments":"measures"}})");
        QCOMPARE(
            r.json().value(QLatin1String("error")).toObject().value(QLatin1String("code")).toInt(),
            -32602);
        // Wrong argument types: a tool error the model can read.
        r = rpc(
            url, session,
            R"({"jsonrpc":"2.0","id":5,"method":"tools/call","params":{"name":"sql_execution","arguments":{"connectionId":"demo_warehouse","sql":42,"maxRows":"ten"}}})");
        QJsonObject result = r.json().value(QLatin1String("result")).toObject();
        QCOMPARE(result.value(QLatin1String("isError")).toBool(), true);
        QVERIFY2(result.value(QLatin1String("content"))
                     .toArray()
                     .first()
                     .toObject()
                     .value(QLatin1String("text"))
                     .toString()
                     .contains(QLatin1String("/maxRows")),
                 r.body.constData());
        // Unknown tool: a JSON-RPC error.
        r = rpc(
            url, session,
            R"({"jsonrpc":"2.0","id":6,"method":"tools/call","params":{"name":"drop_tables","arguments":{}}})");
        QCOMPARE(
            r.json().value(QLatin1String("error")).toObject().value(QLatin1String("code")).toInt(),
            -32602);
        // A huge body is refused from its Content-Length, before it is read.
        {
            QTcpSocket socket;
            socket.connectToHost(QHostAddress::LocalHost, quint16(url.port()));
            QVERIFY(socket.waitForConnected(5000));
            socket.write(
                "POST /mcp HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
                "Accept: application/json\r\nMcp-Session-Id: "
                + session + "\r\nContent-Length: 6291456\r\n\r\n" + QByteArray(64 * 1024, 'x'));
            QByteArray answer;
            QTRY_VERIFY_WITH_TIMEOUT(
                (socket.waitForReadyRead(100), answer += socket.readAll(), answer.contains("\r\n")),
                10000);
            QVERIFY2(answer.startsWith("HTTP/1.1 413"), answer.left(200).constData());
        }

        // A client that hangs up in the middle of a slow call.
        {
            QTcpSocket socket;
            socket.connectToHost(QHostAddress::LocalHost, quint16(url.port()));
            QVERIFY(socket.waitForConnected(5000));
            const QByteArray body
                = R"({"jsonrpc":"2.0","id":8,"method":"tools/call","params":{"name":"sql_execution","arguments":{"connectionId":"demo_warehouse","sql":"WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 20000000) SELECT COUNT(*) FROM n"}}})";
            socket.write(
                "POST /mcp HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
                "Accept: application/json, text/event-stream\r\nMcp-Session-Id: "
                + session + "\r\nContent-Length: " + QByteArray::number(body.size()) + "\r\n\r\n"
                + body);
            QVERIFY(socket.waitForBytesWritten(5000));
            QTest::qWait(300);
            socket.abort();
        }
        // Still serving: health, and a normal call on the same session.
        QUrl health = url;
        health.setPath(QStringLiteral("/health"));
        QCOMPARE(http("GET", health).status, 200);
        r = rpc(
            url, session,
            R"({"jsonrpc":"2.0","id":9,"method":"tools/call","params":{"name":"connection_list","arguments":{}}})");
        QCOMPARE(r.status, 200);
        QCOMPARE(r.json()
                     .value(QLatin1String("result"))
                     .toObject()
                     .value(QLatin1String("structuredContent"))
                     .toObject()
                     .value(QLatin1String("connections"))
                     .toArray()
                     .size(),
                 1);
        // The abandoned call is logged as cancelled once the query returns.
        QByteArray serverLog;
        QTRY_VERIFY_WITH_TIMEOUT((serverLog += server.readAllStandardError())
                                     .contains("tool=sql_execution outcome=cancelled"),
                                 60000);
        QCOMPARE(server.state(), QProcess::Running);

        ::kill(pid_t(server.processId()), SIGTERM);
        QVERIFY(server.waitForFinished(30000));
        QCOMPARE(server.exitStatus(), QProcess::NormalExit);
        QCOMPARE(server.exitCode(), 0);
        QVERIFY(!QFile::exists(m_project + QStringLiteral("/.ktx/mcp.json")));
    }

    void stdioSurvivesBadInput()
    {
        QProcess p;
        p.setProcessEnvironment(ktxEnvironment());
        p.setWorkingDirectory(m_project);
        p.start(qEnvironmentVariable("KTX_CLI"), {QStringLiteral("mcp"), QStringLiteral("stdio")});
        QVERIFY(p.waitForStarted());
        p.write("this is not json\n");
        p.write(
            R"({"jsonrpc":"2.0","id":1,"method":"initialize","params":{"protocolVersion":"2025-06-18","capabilities":{},"clientInfo":{"name":"t","version":"1"}}})"
            "\n");
        p.write(
            R"({"jsonrpc":"2.0","id":2,"method":"tools/call","params":{"name":"sl_query","arguments":{"measures":"orders.order_count"}}})"
            "\n");
        p.write(
            R"({"jsonrpc":"2.0","id":3,"method":"tools/call","params":{"name":"sl_query","arguments":{"measures":["orders.order_count"]}}})"
            "\n");
        // Answers first: the end of input cancels calls still running.
        QByteArray output;
        QTRY_VERIFY_WITH_TIMEOUT((output += p.readAllStandardOutput()).count('\n') >= 4, 30000);
        p.closeWriteChannel();
        QVERIFY(p.waitForFinished(30000));
        QCOMPARE(p.exitCode(), 0);
        const QList<QByteArray> lines = output.split('\n');
        QList<QJsonObject> answers;
        for (const QByteArray &l : lines) {
            if (!l.trimmed().isEmpty())
                answers << QJsonDocument::fromJson(l).object();
        }
        QCOMPARE(answers.size(), 4);
        QJsonObject byId[4];
        for (const QJsonObject &a : answers) {
            const QJsonValue id = a.value(QLatin1String("id"));
            byId[id.isNull() ? 0 : id.toInt()] = a;
        }
        QCOMPARE(
            byId[0].value(QLatin1String("error")).toObject().value(QLatin1String("code")).toInt(),
            -32700);
        QCOMPARE(byId[1]
                     .value(QLatin1String("result"))
                     .toObject()
                     .value(QLatin1String("serverInfo"))
                     .toObject()
                     .value(QLatin1String("name"))
                     .toString(),
                 QStringLiteral("ktx"));
        QCOMPARE(byId[2]
                     .value(QLatin1String("result"))
                     .toObject()
                     .value(QLatin1String("isError"))
                     .toBool(),
                 true);
        const QJsonObject ok = byId[3].value(QLatin1String("result")).toObject();
        QCOMPARE(ok.value(QLatin1String("isError")).toBool(), false);
        QCOMPARE(ok.value(QLatin1String("structuredContent"))
                     .toObject()
                     .value(QLatin1String("rows"))
                     .toArray()
                     .first()
                     .toArray()
                     .first()
                     .toInt(),
                 7600);
    }
};

QTEST_GUILESS_MAIN(TestCliMcp)
#include "tst_cli_mcp.moc"
