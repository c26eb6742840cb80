// memory_ingest and memory_ingest_status: in process through ToolSet::call
// (schema checks included), and over `ktx mcp stdio` as an agent calls them.
// The memory agent is a real agent loop (openai-compatible backend) against a
// scripted FakeModelServer; the run lands in a real git repository.
#include "demo/demoproject.h"
#include "fakemodelserver.h"
#include "ktxtools/ktxtoolset.h"
#include "project/configloader.h"

#include <QDir>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QProcess>
#include <QRegularExpression>
#include <QSemaphore>
#include <QTemporaryDir>
#include <QTest>

using namespace ktx;
using ktx::test::FakeModelServer;
using Reply = FakeModelServer::Reply;

namespace {

QString git(const QString &dir, const QStringList &args)
{
    QProcess p;
    p.setWorkingDirectory(dir);
    p.start(QStringLiteral("git"), args);
    p.waitForFinished(30000);
    return QString::fromUtf8(p.readAllStandardOutput()).trimmed();
}

// Read the note, record the ledger, write a page named after what the note is
// about, then stop. Reconcile writes nothing.
Reply memoryAgent(const FakeModelServer::Request &r)
{
    if (r.rawBody.contains("## Changes of this run"))
        return Reply::say(QStringLiteral("nothing to reconcile"));
    static const QRegularExpression rawFile(QStringLiteral("### rawFiles\\\\n- ([^\\\\]+)\\\\n"));
    const QString raw = rawFile.match(QString::fromUtf8(r.rawBody)).captured(1);
    switch (r.toolResultCount()) {
    case 0:
        return Reply::call(QStringLiteral("read_raw_file"), {{QStringLiteral("path"), raw}});
    case 1:
        return Reply::call(QStringLiteral("record_verification_ledger"),
                           {{QStringLiteral("summary"), QStringLiteral("read the note")},
                            {QStringLiteral("verifiedIdentifiers"), QJsonArray {}}});
    case 2: {
        // The note came back from read_raw_file earlier in this conversation.
        const QString page = r.rawBody.contains("Churn counts") ? QStringLiteral("churn-fact")
            : r.rawBody.contains("Refunds are")                 ? QStringLiteral("refunds-fact")
                                                                : QStringLiteral("other-fact");
        return Reply::call(
            QStringLiteral("wiki_write"),
            {{QStringLiteral("key"), page},
             {QStringLiteral("content"),
              QStringLiteral("---\nsummary: A remembered fact.\n---\n\nRemembered.\n")},
             {QStringLiteral("rawPaths"), QJsonArray {raw}}});
    }
    default:
        return Reply::say(QStringLiteral("remembered"));
    }
}

QJsonObject structured(const ToolOutput &out)
{
    return out.structured.toObject();
}

} // namespace

class TestMemoryIngest : public QObject
{
    Q_OBJECT

    QTemporaryDir m_tmp;
    FakeModelServer m_fake;
    QSemaphore m_gate; // the first model call waits here until the test lets it go
    std::atomic<bool> m_holdFirst {false};
    int m_counter = 0;

    QString makeProject(ProjectConfig *config)
    {
        const QString dir = m_tmp.filePath(QStringLiteral("p%1").arg(++m_counter));
        if (!DemoProject::create(dir).ok())
            return {};
        *config = ConfigLoader::loadFile(dir + QStringLiteral("/ktx.yaml"))->config;
        config->llm.backend = QStringLiteral("openai-compatible");
        config->llm.openaiCompatible.baseUrl = m_fake.baseUrl().toString() + QStringLiteral("/v1");
        config->llm.models.insert(QStringLiteral("default"), QStringLiteral("fake-model"));
        return dir;
    }

    static ToolSet toolsFor(const QString &dir, const ProjectConfig &config)
    {
        auto context = std::make_shared<KtxToolContext>();
        context->projectDir = dir;
        context->config = config;
        return KtxToolSet::build(context);
    }

private Q_SLOTS:
    void initTestCase()
    {
        QVERIFY(m_tmp.isValid());
        m_fake.setScript([this](const FakeModelServer::Request &r, int index) {
            Q_UNUSED(index);
            if (m_holdFirst.exchange(false))
                m_gate.acquire();
            return memoryAgent(r);
        });
    }

    void servedOnlyWithAModel()
    {
        ProjectConfig config;
        const QString dir = makeProject(&config);
        QVERIFY(!dir.isEmpty());
        QVERIFY(toolsFor(dir, config).names().contains(QStringLiteral("memory_ingest")));
        QVERIFY(toolsFor(dir, config).names().contains(QStringLiteral("memory_ingest_status")));
        config.llm.backend = QStringLiteral("none");
        QVERIFY(!toolsFor(dir, config).names().contains(QStringLiteral("memory_ingest")));
        QVERIFY(!toolsFor(dir, config).names().contains(QStringLiteral("memory_ingest_status")));
    }

    void runningThenDoneWithTheCommit()
    {
        ProjectConfig config;
        const QString dir = makeProject(&config);
        QVERIFY(!dir.isEmpty());
        const QString before = git(dir, {QStringLiteral("rev-parse"), QStringLiteral("HEAD")});
        const ToolSet tools = toolsFor(dir, config);
        m_holdFirst = true;
        const int requestsBefore = m_fake.requestCount();
        const ToolOutput started = tools.call(
            QStringLiteral("memory_ingest"),
            {{QStringLiteral("content"), QStringLiteral("Churn counts only paid accounts.")}},
            CancellationToken());
        QVERIFY2(!started.isError, qPrintable(started.text));
        const QString runId = structured(started).value(QLatin1String("runId")).toString();
        QVERIFY(!runId.isEmpty());

        // While the model holds its first answer the run is running, and
        // nothing has landed.
        QTRY_VERIFY_WITH_TIMEOUT(m_fake.requestCount() > requestsBefore, 30000);
        const QJsonObject running
            = structured(tools.call(QStringLiteral("memory_ingest_status"),
                                    {{QStringLiteral("runId"), runId}}, CancellationToken()));
        QCOMPARE(running.value(QLatin1String("status")).toString(), QStringLiteral("running"));
        QCOMPARE(running.value(QLatin1String("done")).toBool(), false);
        QCOMPARE(running.value(QLatin1String("stage")).toString(), QStringLiteral("work_units"));
        QVERIFY(running.value(QLatin1String("commitHash")).isNull());
        QCOMPARE(git(dir, {QStringLiteral("rev-parse"), QStringLiteral("HEAD")}), before);
        m_gate.release();

        QJsonObject done;
        QTRY_VERIFY_WITH_TIMEOUT(
            (done = structured(tools.call(QStringLiteral("memory_ingest_status"),
                                          {{QStringLiteral("runId"), runId}}, CancellationToken())))
                .value(QLatin1String("done"))
                .toBool(),
            60000);
        QCOMPARE(done.value(QLatin1String("status")).toString(), QStringLiteral("done"));
        QVERIFY(done.value(QLatin1String("error")).isNull());
        QCOMPARE(done.value(QLatin1String("captured")).toObject().value(QLatin1String("wiki")),
                 QJsonValue(QJsonArray {QStringLiteral("churn-fact")}));
        QCOMPARE(done.value(QLatin1String("signalDetected")).toBool(), true);
        const QString head = git(dir, {QStringLiteral("rev-parse"), QStringLiteral("HEAD")});
        QCOMPARE(done.value(QLatin1String("commitHash")).toString(), head);
        QCOMPARE(git(dir, {QStringLiteral("rev-parse"), QStringLiteral("HEAD~1")}), before);
        QVERIFY(QFile::exists(dir + QStringLiteral("/wiki/global/churn-fact.md")));
    }

    void badArgumentsAreToolErrors_data()
    {
        QTest::addColumn<QString>("tool");
        QTest::addColumn<QJsonObject>("args");
        QTest::newRow("no content") << "memory_ingest" << QJsonObject {};
        QTest::newRow("empty content")
            << "memory_ingest" << QJsonObject {{QStringLiteral("content"), QString()}};
        QTest::newRow("blank content")
            << "memory_ingest" << QJsonObject {{QStringLiteral("content"), QStringLiteral("  \n")}};
        QTest::newRow("content not a string")
            << "memory_ingest" << QJsonObject {{QStringLiteral("content"), 42}};
        QTest::newRow("unknown connection")
            << "memory_ingest"
            << QJsonObject {{QStringLiteral("content"), QStringLiteral("x")},
                            {QStringLiteral("connectionId"), QStringLiteral("nope")}};
        QTest::newRow("status without runId") << "memory_ingest_status" << QJsonObject {};
        QTest::newRow("status of an unknown run")
            << "memory_ingest_status"
            << QJsonObject {{QStringLiteral("runId"), QStringLiteral("20200101-000000-abcdef")}};
    }
    void badArgumentsAreToolErrors()
    {
        QFETCH(QString, tool);
        QFETCH(QJsonObject, args);
        ProjectConfig config;
        const QString dir = makeProject(&config);
        QVERIFY(!dir.isEmpty());
        const int before = m_fake.requestCount();
        const QString head = git(dir, {QStringLiteral("rev-parse"), QStringLiteral("HEAD")});
        const ToolOutput out = toolsFor(dir, config).call(tool, args, CancellationToken());
        QVERIFY2(out.isError, qPrintable(out.text));
        QVERIFY(!out.text.isEmpty());
        QTest::qWait(50);
        QCOMPARE(m_fake.requestCount(), before); // no run started
        QCOMPARE(git(dir, {QStringLiteral("rev-parse"), QStringLiteral("HEAD")}), head);
    }

    void overMcpStdio()
    {
        ProjectConfig unused;
        const QString dir = makeProject(&unused);
        QVERIFY(!dir.isEmpty());
        // Configure the model the way a user does, and commit it.
        QProcess setup;
        setup.setWorkingDirectory(dir);
        setup.start(qEnvironmentVariable("KTX_CLI"),
                    {QStringLiteral("setup"), QStringLiteral("--no-input"),
                     QStringLiteral("--llm-backend"), QStringLiteral("openai-compatible"),
                     QStringLiteral("--llm-base-url"),
                     m_fake.baseUrl().toString() + QStringLiteral("/v1"),
                     QStringLiteral("--llm-model"), QStringLiteral("fake-model")});
        setup.closeWriteChannel();
        QVERIFY(setup.waitForFinished(60000));
        QVERIFY2(setup.exitCode() == 0, setup.readAllStandardError().constData());
        git(dir, {QStringLiteral("add"), QStringLiteral("-A")});
        git(dir,
            {QStringLiteral("-c"), QStringLiteral("user.name=t"), QStringLiteral("-c"),
             QStringLiteral("user.email=t@t"), QStringLiteral("commit"), QStringLiteral("-qm"),
             QStringLiteral("configure a model")});
        const QString before = git(dir, {QStringLiteral("rev-parse"), QStringLiteral("HEAD")});

        QProcess p;
        QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
        env.remove(QStringLiteral("KTX_PROJECT_DIR"));
        p.setProcessEnvironment(env);
        p.setWorkingDirectory(dir);
        p.start(qEnvironmentVariable("KTX_CLI"), {QStringLiteral("mcp"), QStringLiteral("stdio")});
        QVERIFY(p.waitForStarted());
        QByteArray buffered;
        // The answer with this id; stdout is read until it arrives (or 60 s pass).
        const auto answer = [&](int id) -> QJsonObject {
            for (int waited = 0; waited < 600; ++waited) {
                buffered += p.readAllStandardOutput();
                for (const QByteArray &line : buffered.split('\n')) {
                    const QJsonObject o = QJsonDocument::fromJson(line).object();
                    if (o.value(QLatin1String("id")).toInt() == id)
                        return o;
                }
                p.waitForReadyRead(100);
            }
            return {};
        };
        const auto send = [&](int id, const QString &method, const QJsonObject &params) {
            p.write(QJsonDocument(QJsonObject {{QStringLiteral("jsonrpc"), QStringLiteral("2.0")},
                                               {QStringLiteral("id"), id},
                                               {QStringLiteral("method"), method},
                                               {QStringLiteral("params"), params}})
                        .toJson(QJsonDocument::Compact)
                    + '\n');
            return answer(id);
        };
        const auto call = [&](int id, const QString &tool, const QJsonObject &args) {
            return send(id, QStringLiteral("tools/call"),
                        {{QStringLiteral("name"), tool}, {QStringLiteral("arguments"), args}})
                .value(QLatin1String("result"))
                .toObject();
        };
        send(1, QStringLiteral("initialize"),
             {{QStringLiteral("protocolVersion"), QStringLiteral("2025-06-18")},
              {QStringLiteral("capabilities"), QJsonObject {}},
              {QStringLiteral("clientInfo"),
               QJsonObject {{QStringLiteral("name"), QStringLiteral("t")},
                            {QStringLiteral("version"), QStringLiteral("1")}}}});
        QStringList names;
        for (const QJsonValue &t : send(2, QStringLiteral("tools/list"), {})
                                       .value(QLatin1String("result"))
                                       .toObject()
                                       .value(QLatin1String("tools"))
                                       .toArray())
            names << t.toObject().value(QLatin1String("name")).toString();
        QVERIFY2(names.contains(QStringLiteral("memory_ingest")), qPrintable(names.join(',')));

        const QJsonObject bad = call(3, QStringLiteral("memory_ingest"), {});
        QCOMPARE(bad.value(QLatin1String("isError")).toBool(), true);

        const QJsonObject started = call(
            4, QStringLiteral("memory_ingest"),
            {{QStringLiteral("content"), QStringLiteral("Refunds are netted against revenue.")}});
        QCOMPARE(started.value(QLatin1String("isError")).toBool(), false);
        const QString runId = started.value(QLatin1String("structuredContent"))
                                  .toObject()
                                  .value(QLatin1String("runId"))
                                  .toString();
        QVERIFY(!runId.isEmpty());
        QJsonObject status;
        int id = 5;
        QTRY_VERIFY_WITH_TIMEOUT((status = call(id++, QStringLiteral("memory_ingest_status"),
                                                {{QStringLiteral("runId"), runId}})
                                               .value(QLatin1String("structuredContent"))
                                               .toObject())
                                     .value(QLatin1String("done"))
                                     .toBool(),
                                 60000);
        QCOMPARE(status.value(QLatin1String("status")).toString(), QStringLiteral("done"));
        QCOMPARE(status.value(QLatin1String("captured")).toObject().value(QLatin1String("wiki")),
                 QJsonValue(QJsonArray {QStringLiteral("refunds-fact")}));
        p.closeWriteChannel();
        QVERIFY(p.waitForFinished(30000));
        QCOMPARE(p.exitCode(), 0);
        const QString head = git(dir, {QStringLiteral("rev-parse"), QStringLiteral("HEAD")});
        QCOMPARE(status.value(QLatin1String("commitHash")).toString(), head);
        QCOMPARE(git(dir, {QStringLiteral("rev-parse"), QStringLiteral("HEAD~1")}), before);
        QVERIFY(QFile::exists(dir + QStringLiteral("/wiki/global/refunds-fact.md")));
    }
};

QTEST_GUILESS_MAIN(TestMemoryIngest)
#include "tst_memoryingest.moc"
