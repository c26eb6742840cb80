// The claude-code and codex backends with the real CLIs from npm (pinned in
// tests/node/package.json) talking to our fake model servers: the fake model
// calls one of our tools, the tool runs through the run's MCP server, the
// answer comes back; steps are counted live; a model that never stops is
// stopped at the budget; isolation, crashes and hangs are handled.
#include "agent/agentruntime.h"
#include "fakemodelserver.h"

#include <QDir>
#include <QElapsedTimer>
#include <QFile>
#include <QJsonDocument>
#include <QTemporaryDir>
#include <QTest>
#include <QTimer>

#include <atomic>

using namespace ktx;
using ktx::test::FakeModelServer;
using Reply = FakeModelServer::Reply;

namespace {

QString nodeBin(const QString &name)
{
    return QStringLiteral(KTX_TEST_SOURCE_DIR "/tests/node/node_modules/.bin/") + name;
}

ToolSet echoTools(std::atomic_int *calls)
{
    ToolSet set;
    AgentTool echo;
    echo.name = QStringLiteral("echo");
    echo.description = QStringLiteral("Echo the text back");
    echo.inputSchema
        = QJsonDocument::fromJson(
              R"({"type":"object","properties":{"text":{"type":"string"}},"required":["text"],"additionalProperties":false})")
              .object();
    echo.annotations.readOnly = true;
    echo.execute = [calls](const QJsonObject &args, const CancellationToken &) {
        ++*calls;
        return ToolOutput::success(QStringLiteral("echo: ")
                                   + args.value(QStringLiteral("text")).toString());
    };
    set.add(echo);
    return set;
}

struct Events
{
    QMutex mutex;
    QList<AgentEvent> list;
    AgentEventSink sink()
    {
        return [this](const AgentEvent &e) {
            QMutexLocker lock(&mutex);
            list << e;
        };
    }
    int count(AgentEvent::Kind k)
    {
        QMutexLocker lock(&mutex);
        return int(std::count_if(list.begin(), list.end(),
                                 [k](const AgentEvent &e) { return e.kind == k; }));
    }
};

} // namespace

class TestAgentClis : public QObject
{
    Q_OBJECT

    QTemporaryDir m_home;

    LlmSettings settingsFor(const QString &backend, const FakeModelServer &fake)
    {
        LlmSettings s;
        s.backend = backend;
        s.models.insert(QStringLiteral("default"), QStringLiteral("fake-model"));
        s.projectDir = m_home.path();
        s.processTimeoutMs = 60000;
        const QString url = fake.baseUrl().toString();
        if (backend == QLatin1String("claude-code")) {
            s.executable = nodeBin(QStringLiteral("claude"));
            s.childEnvironment
                = {{QStringLiteral("ANTHROPIC_BASE_URL"), url},
                   {QStringLiteral("ANTHROPIC_API_KEY"), QStringLiteral("dummy")},
                   {QStringLiteral("CLAUDE_CODE_MAX_RETRIES"), QStringLiteral("0")},
                   {QStringLiteral("HOME"), m_home.filePath(QStringLiteral("claude-home"))}};
        } else {
            s.executable = nodeBin(QStringLiteral("codex"));
            s.childEnvironment
                = {{QStringLiteral("FAKE_API_KEY"), QStringLiteral("dummy")},
                   {QStringLiteral("CODEX_HOME"), m_home.filePath(QStringLiteral("codex-home"))},
                   {QStringLiteral("HOME"), m_home.filePath(QStringLiteral("codex-user"))}};
            s.extraArguments = {QStringLiteral("-c"),
                                QStringLiteral("model_provider=\"fake\""),
                                QStringLiteral("-c"),
                                QStringLiteral("model_providers.fake.name=\"fake\""),
                                QStringLiteral("-c"),
                                QStringLiteral("model_providers.fake.base_url=\"%1/v1\"").arg(url),
                                QStringLiteral("-c"),
                                QStringLiteral("model_providers.fake.wire_api=\"responses\""),
                                QStringLiteral("-c"),
                                QStringLiteral("model_providers.fake.env_key=\"FAKE_API_KEY\""),
                                QStringLiteral("-c"),
                                QStringLiteral("model_providers.fake.request_max_retries=0"),
                                QStringLiteral("-c"),
                                QStringLiteral("model_providers.fake.stream_max_retries=0"),
                                QStringLiteral("-c"),
                                QStringLiteral("model_providers.fake.supports_websockets=false")};
        }
        return s;
    }

private Q_SLOTS:
    void initTestCase()
    {
        if (!QFile::exists(nodeBin(QStringLiteral("claude")))
            || !QFile::exists(nodeBin(QStringLiteral("codex"))))
            QSKIP(
                "tests/node/node_modules is not installed (scripts/setup.sh --tests installs it)");
        QVERIFY(m_home.isValid());
        for (const char *d : {"claude-home", "codex-home", "codex-user"})
            QVERIFY(QDir(m_home.path()).mkpath(QLatin1String(d)));
    }

    void contract_data()
    {
        QTest::addColumn<QString>("backend");
        QTest::newRow("claude-code") << QStringLiteral("claude-code");
        QTest::newRow("codex") << QStringLiteral("codex");
    }

    void textAnswer_data() { contract_data(); }
    void textAnswer()
    {
        QFETCH(QString, backend);
        FakeModelServer fake;
        fake.setScript([](const FakeModelServer::Request &, int) {
            return Reply::say(QStringLiteral("plain answer"));
        });
        LoopRequest req;
        req.systemPrompt = QStringLiteral("Be brief.");
        req.userPrompt = QStringLiteral("Say something.");
        const LoopResult r = AgentRuntime(settingsFor(backend, fake)).run(req);
        QVERIFY2(r.stopReason == StopReason::Natural, qPrintable(r.error.toText()));
        QCOMPARE(r.finalText, QStringLiteral("plain answer"));
        QCOMPARE(r.steps, 1);
        QVERIFY(fake.requestCount() >= 1);
    }

    void toolRoundTrip_data() { contract_data(); }
    void toolRoundTrip()
    {
        QFETCH(QString, backend);
        FakeModelServer fake;
        fake.setScript([](const FakeModelServer::Request &r, int) {
            if (r.toolName(QStringLiteral("echo")).isEmpty())
                return Reply::say(QStringLiteral("no echo tool offered"));
            if (!r.hasToolResult())
                return Reply::call(QStringLiteral("echo"),
                                   {{QStringLiteral("text"), QStringLiteral("over MCP")}});
            return Reply::say(QStringLiteral("tool said <") + r.lastToolResult()
                              + QLatin1Char('>'));
        });
        std::atomic_int calls {0};
        LoopRequest req;
        req.userPrompt = QStringLiteral("Use echo.");
        req.tools = echoTools(&calls);
        req.stepBudget = 6;
        Events events;
        const LoopResult r = AgentRuntime(settingsFor(backend, fake)).run(req, events.sink());
        QVERIFY2(r.stopReason == StopReason::Natural, qPrintable(r.error.toText()));
        QCOMPARE(calls.load(), 1);
        QVERIFY2(r.finalText.contains(QStringLiteral("echo: over MCP")), qPrintable(r.finalText));
        QVERIFY(r.steps >= 1);
        QCOMPARE(events.count(AgentEvent::Kind::ToolCallStarted), 1);
        QCOMPARE(events.count(AgentEvent::Kind::ToolCallFinished), 1);
        QVERIFY(events.count(AgentEvent::Kind::StepFinished) >= 1);
        // Only our tool reached the model (no built-in shell, file or web tools for claude).
        const QStringList offered = fake.requests().first().toolNames();
        if (backend == QLatin1String("claude-code")) {
            QVERIFY2(offered.contains(QStringLiteral("mcp__ktx__echo")),
                     qPrintable(offered.join(QLatin1Char(','))));
            for (const QString &name :
                 offered) // nothing that runs commands, edits files or browses
                QVERIFY2(name.startsWith(QLatin1String("mcp__ktx__"))
                             || name == QLatin1String("DeferredToolPlaceholder"),
                         qPrintable(name));
        } else {
            bool found = false;
            for (const QString &n : offered)
                found = found || n.endsWith(QLatin1String("echo"));
            QVERIFY2(found, qPrintable(offered.join(QLatin1Char(','))));
            QVERIFY(!offered.contains(QStringLiteral("web_search")));
        }
    }

    void neverEndingModelStopsAtBudget_data() { contract_data(); }
    void neverEndingModelStopsAtBudget()
    {
        QFETCH(QString, backend);
        FakeModelServer fake;
        fake.setScript([](const FakeModelServer::Request &r, int index) {
            return Reply::call(
                QStringLiteral("echo"),
                {{QStringLiteral("text"),
                  QStringLiteral("again %1 %2").arg(index).arg(r.toolResultCount())}});
        });
        std::atomic_int calls {0};
        LoopRequest req;
        req.userPrompt = QStringLiteral("Loop forever.");
        req.tools = echoTools(&calls);
        req.stepBudget = 3;
        Events events;
        const LoopResult r = AgentRuntime(settingsFor(backend, fake)).run(req, events.sink());
        QVERIFY2(r.stopReason == StopReason::Budget,
                 qPrintable(stopReasonName(r.stopReason) + QLatin1Char(' ') + r.error.toText()));
        QVERIFY2(r.steps <= 4 && r.steps >= 2, qPrintable(QString::number(r.steps)));
        QVERIFY(calls.load() >= 2 && calls.load() <= 4);
        QVERIFY(events.count(AgentEvent::Kind::StepFinished) >= 2);
    }

    void modelErrorIsReported_data() { contract_data(); }
    void modelErrorIsReported()
    {
        QFETCH(QString, backend);
        FakeModelServer fake;
        fake.setScript([](const FakeModelServer::Request &, int) {
            return Reply::httpError(400, QStringLiteral("invalid_request_error"));
        });
        LoopRequest req;
        req.userPrompt = QStringLiteral("hi");
        const LoopResult r = AgentRuntime(settingsFor(backend, fake)).run(req);
        QCOMPARE(r.stopReason, StopReason::Error);
        QVERIFY(!r.error.message.isEmpty());
    }

    void cancellationStopsTheCli_data() { contract_data(); }
    void cancellationStopsTheCli()
    {
        QFETCH(QString, backend);
        FakeModelServer fake;
        fake.setScript(
            [](const FakeModelServer::Request &, int) { return Reply::of(Reply::Kind::Stall); });
        LoopRequest req;
        req.userPrompt = QStringLiteral("hi");
        QTimer::singleShot(1500, [token = req.cancel]() mutable { token.cancel(); });
        QElapsedTimer t;
        t.start();
        const LoopResult r = AgentRuntime(settingsFor(backend, fake)).run(req);
        QCOMPARE(r.stopReason, StopReason::Cancelled);
        QVERIFY(t.elapsed() < 20000);
    }

    void claudeIsolationCheckFailsOnExtraTools()
    {
        FakeModelServer fake;
        LlmSettings s = settingsFor(QStringLiteral("claude-code"), fake);
        // A second MCP server slipping into the session, as a leaked user or managed config would
        // add it.
        s.extraArguments
            = {QStringLiteral("--mcp-config"),
               QStringLiteral(
                   R"({"mcpServers":{"other":{"type":"stdio","command":"/bin/cat","args":[]}}})")};
        std::atomic_int calls {0};
        LoopRequest req;
        req.userPrompt = QStringLiteral("hi");
        req.tools = echoTools(&calls);
        const LoopResult r = AgentRuntime(s).run(req);
        QCOMPARE(r.stopReason, StopReason::Error);
        QCOMPARE(r.error.code, QStringLiteral("llm.isolation_failed"));
        QVERIFY2(r.error.message.contains(
                     QStringLiteral("runtime isolation failed: unexpected MCP server other")),
                 qPrintable(r.error.message));
        QCOMPARE(calls.load(), 0); // stopped as soon as the init line showed the extra server
    }

    void crashAndHangAreErrorsWithStderr_data()
    {
        QTest::addColumn<QString>("backend");
        QTest::addColumn<QString>("script");
        QTest::addColumn<QString>("code");
        QTest::addColumn<QString>("expected");
        const QString crash = QStringLiteral(
            "#!/bin/sh\necho '{\"type\":\"thread.started\",\"thread_id\":\"x\"}'\necho 'not "
            "json'\necho 'fatal: out of cheese' >&2\nexit 3\n");
        const QString hang = QStringLiteral("#!/bin/sh\necho 'starting' >&2\nsleep 30\n");
        QTest::newRow("claude crash")
            << QStringLiteral("claude-code") << crash << QStringLiteral("llm.cli_failed")
            << QStringLiteral("out of cheese");
        QTest::newRow("codex crash")
            << QStringLiteral("codex") << crash << QStringLiteral("llm.cli_failed")
            << QStringLiteral("out of cheese");
        QTest::newRow("claude hang")
            << QStringLiteral("claude-code") << hang << QStringLiteral("llm.cli_hung")
            << QStringLiteral("starting");
        QTest::newRow("codex hang") << QStringLiteral("codex") << hang
                                    << QStringLiteral("llm.cli_hung") << QStringLiteral("starting");
    }
    void crashAndHangAreErrorsWithStderr()
    {
        QFETCH(QString, backend);
        QFETCH(QString, script);
        QFETCH(QString, code);
        QFETCH(QString, expected);
        QTemporaryDir dir;
        const QString path = dir.filePath(QStringLiteral("fake-cli"));
        QFile f(path);
        QVERIFY(f.open(QIODevice::WriteOnly));
        f.write(script.toUtf8());
        f.close();
        f.setPermissions(QFile::ReadOwner | QFile::WriteOwner | QFile::ExeOwner);
        FakeModelServer fake;
        LlmSettings s = settingsFor(backend, fake);
        s.executable = path;
        s.processTimeoutMs = 800;
        LoopRequest req;
        req.userPrompt = QStringLiteral("hi");
        QElapsedTimer t;
        t.start();
        const LoopResult r = AgentRuntime(s).run(req);
        QCOMPARE(r.stopReason, StopReason::Error);
        QCOMPARE(r.error.code, code);
        QVERIFY2(r.error.message.contains(expected), qPrintable(r.error.message));
        QVERIFY(t.elapsed() < 15000); // the hung child (and its sleep) was killed, not waited for
    }

    void childEnvironmentIsIsolated_data()
    {
        QTest::addColumn<QString>("backend");
        QTest::newRow("claude-code") << QStringLiteral("claude-code");
        QTest::newRow("codex") << QStringLiteral("codex");
    }
    void childEnvironmentIsIsolated()
    {
        QFETCH(QString, backend);
        QTemporaryDir dir;
        const QString dump = dir.filePath(QStringLiteral("env.txt"));
        const QString path = dir.filePath(QStringLiteral("env-cli"));
        QFile f(path);
        QVERIFY(f.open(QIODevice::WriteOnly));
        f.write(QStringLiteral("#!/bin/sh\nenv > '%1'\nprintf '%s\\n' \"$@\" > '%1.args'\nexit 1\n")
                    .arg(dump)
                    .toUtf8());
        f.close();
        f.setPermissions(QFile::ReadOwner | QFile::WriteOwner | QFile::ExeOwner);
        qputenv("KTX_TEST_UNRELATED_SECRET", "do-not-pass");
        qputenv("ANTHROPIC_BASE_URL", "http://proxy.example.invalid");
        qputenv("CLAUDE_CODE_USE_BEDROCK", "1");
        FakeModelServer fake;
        LlmSettings s = settingsFor(backend, fake);
        s.executable = path;
        s.childEnvironment.clear();
        std::atomic_int calls {0};
        LoopRequest req;
        req.userPrompt = QStringLiteral("hi");
        req.tools = echoTools(&calls);
        (void)AgentRuntime(s).run(req);
        qunsetenv("KTX_TEST_UNRELATED_SECRET");
        qunsetenv("ANTHROPIC_BASE_URL");
        qunsetenv("CLAUDE_CODE_USE_BEDROCK");
        QFile env(dump);
        QVERIFY(env.open(QIODevice::ReadOnly));
        const QString text = QString::fromUtf8(env.readAll());
        QFile argsFile(dump + QStringLiteral(".args"));
        QVERIFY(argsFile.open(QIODevice::ReadOnly));
        const QString args = QString::fromUtf8(argsFile.readAll());
        QVERIFY(!text.contains(QStringLiteral("proxy.example.invalid")));
        QVERIFY(!text.contains(QStringLiteral("CLAUDE_CODE_USE_BEDROCK")));
        if (backend == QLatin1String("codex")) {
            QVERIFY(!text.contains(QStringLiteral("KTX_TEST_UNRELATED_SECRET"))); // allow-list only
            QVERIFY(text.contains(QStringLiteral("KTX_CODEX_RUNTIME_MCP_TOKEN=")));
            QVERIFY(args.contains(QStringLiteral("--sandbox\nread-only")));
            QVERIFY(args.contains(QStringLiteral("approval_policy=\"never\"")));
            QVERIFY(args.contains(QStringLiteral("web_search=\"disabled\"")));
            QVERIFY(args.contains(
                QStringLiteral("mcp_servers.ktx.default_tools_approval_mode=\"approve\"")));
            QVERIFY(args.contains(QStringLiteral("mcp_servers.ktx.enabled_tools=[\"echo\"]")));
            // The bearer token travels by environment, never on the command line.
            const QString token = text.section(QStringLiteral("KTX_CODEX_RUNTIME_MCP_TOKEN="), 1)
                                      .section(QLatin1Char('\n'), 0, 0);
            QVERIFY(token.size() >= 32);
            QVERIFY(!args.contains(token));
        } else {
            QVERIFY(text.contains(QStringLiteral("CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC=1")));
            QVERIFY(args.contains(QStringLiteral("--strict-mcp-config")));
            QVERIFY(args.contains(QStringLiteral("--setting-sources\n\n")));
            QVERIFY(args.contains(QStringLiteral("--permission-mode\ndontAsk")));
            QVERIFY(args.contains(QStringLiteral("--allowedTools\nmcp__ktx__echo")));
            QVERIFY(
                !args.contains(QStringLiteral("Bearer"))); // the token is in a 0600 file, not argv
        }
    }
};

QTEST_GUILESS_MAIN(TestAgentClis)
#include "tst_agentclis.moc"
