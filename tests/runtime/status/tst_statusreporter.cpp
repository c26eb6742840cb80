#include "project/projectscaffold.h"
#include "status/statusmonitor.h"
#include "status/statusreporter.h"

#include <QDir>
#include <QFile>
#include <QJsonArray>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>

using namespace ktx;

namespace {

void writeFile(const QString &path, const QByteArray &content)
{
    QDir().mkpath(QFileInfo(path).absolutePath());
    QFile f(path);
    QVERIFY(f.open(QIODevice::WriteOnly));
    f.write(content);
}

const ReadinessLine *lineOf(const StatusReport &r, const QString &id)
{
    for (const ReadinessLine &l : r.lines)
        if (l.id == id)
            return &l;
    return nullptr;
}

QString makeProject(const QTemporaryDir &tmp, const QByteArray &config)
{
    const QString dir = tmp.filePath("p");
    ProjectScaffold::Options o;
    o.configText = config;
    auto r = ProjectScaffold::create(dir, o);
    return r.ok() ? dir : QString();
}

} // namespace

class TestStatusReporter : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void missingProject()
    {
        QTemporaryDir tmp;
        const StatusReport r = StatusReporter::compute(tmp.path());
        QVERIFY(!r.projectFound);
        QCOMPARE(r.verdict, Verdict::Blocked);
        QCOMPARE(r.toJson().value("error").toString(), QStringLiteral("missing_project"));
        QVERIFY(r.toText().contains("No ktx project here yet."));
    }

    void freshProjectNeedsDatabase()
    {
        QTemporaryDir tmp;
        const QString dir = makeProject(tmp, {});
        QVERIFY(!dir.isEmpty());
        const StatusReport r = StatusReporter::compute(dir);
        QVERIFY(r.projectFound);
        const QStringList ids = [&] {
            QStringList l;
            for (const auto &x : r.lines)
                l << x.id;
            return l;
        }();
        QCOMPARE(ids,
                 (QStringList {"project_dir", "project", "llm", "embeddings", "databases",
                               "sources", "context", "agents"}));
        QCOMPARE(lineOf(r, "project")->state, ReadinessState::Ok);
        QCOMPARE(lineOf(r, "llm")->state, ReadinessState::Warn);
        QCOMPARE(lineOf(r, "databases")->state, ReadinessState::Fail);
        QCOMPARE(lineOf(r, "databases")->setupStep, QStringLiteral("databases"));
        QCOMPARE(r.verdict, Verdict::Blocked);
        QVERIFY(r.verdictReason.contains("Databases configured"));
    }

    void demoLikeProjectIsPartial()
    {
        QTemporaryDir tmp;
        const QString dir = makeProject(tmp,
                                        "connections:\n  shop:\n    driver: sqlite\n    path: "
                                        "data/shop.sqlite\nllm:\n  provider:\n    backend: none\n");
        writeFile(dir + "/data/shop.sqlite", "not really sqlite but present");
        writeFile(dir + "/semantic-layer/shop/orders.yaml", "name: orders\n");
        writeFile(dir + "/semantic-layer/shop/customers.yml", "name: customers\n");
        writeFile(dir + "/wiki/global/revenue.md", "---\nsummary: x\n---\n");
        writeFile(dir + "/wiki/user/ana/notes.md", "hi");
        writeFile(dir + "/raw-sources/shop/live-database/s1/connection.json", "{}");
        const StatusReport r = StatusReporter::compute(dir);
        QCOMPARE(lineOf(r, "databases")->state, ReadinessState::Ok);
        QCOMPARE(lineOf(r, "databases")->value, QStringLiteral("yes (shop)"));
        QCOMPARE(lineOf(r, "context")->state, ReadinessState::Ok);
        QCOMPARE(lineOf(r, "context")->detail,
                 QStringLiteral("2 semantic sources, 2 wiki pages"));
        QCOMPARE(r.verdict, Verdict::Partial);
        QCOMPARE(r.localStats.rawSourceFiles, 1);
        const QJsonObject json = r.toJson();
        QCOMPARE(json.value("verdict").toString(), QStringLiteral("partial"));
        QCOMPARE(json.value("lines").toArray().size(), 8);
        QCOMPARE(json.value("connections").toArray().at(0).toObject().value("status").toString(),
                 QStringLiteral("ok"));
        QCOMPARE(json.value("localStats")
                     .toObject()
                     .value("semanticLayer")
                     .toArray()
                     .at(0)
                     .toObject()
                     .value("sourceCount")
                     .toInt(),
                 2);
    }

    void missingSqliteFileIsAWarning()
    {
        QTemporaryDir tmp;
        const QString dir
            = makeProject(tmp, "connections:\n  shop:\n    driver: sqlite\n    path: nowhere.db\n");
        const StatusReport r = StatusReporter::compute(dir);
        QCOMPARE(r.connections.at(0).state, ReadinessState::Warn);
        QCOMPARE(r.connections.at(0).detail, QStringLiteral("file not found: nowhere.db"));
        QCOMPARE(lineOf(r, "databases")->state, ReadinessState::Warn);
    }

    void llmRules_data()
    {
        QTest::addColumn<QByteArray>("llm");
        QTest::addColumn<int>("state");
        QTest::addColumn<QString>("detail");
        QTest::newRow("no default model")
            << QByteArray("  provider:\n    backend: anthropic\n") << int(ReadinessState::Fail)
            << "llm.models.default is required for backend \"anthropic\"";
        QTest::newRow("anthropic env missing")
            << QByteArray("  provider:\n    backend: anthropic\n    anthropic:\n      api_key: "
                          "env:KTX_TEST_NO_SUCH_KEY\n  models:\n    default: m\n")
            << int(ReadinessState::Warn) << "key missing (env: KTX_TEST_NO_SUCH_KEY)";
        QTest::newRow("anthropic env set")
            << QByteArray("  provider:\n    backend: anthropic\n    anthropic:\n      api_key: "
                          "env:KTX_TEST_KEY_SET\n  models:\n    default: m\n")
            << int(ReadinessState::Ok) << "key set (env)";
        QTest::newRow("vertex") << QByteArray(
            "  provider:\n    backend: vertex\n    vertex:\n      project: acme\n      location: "
            "us-east5\n  models:\n    default: m\n")
                                << int(ReadinessState::Ok) << "project=acme location=us-east5";
        QTest::newRow("claude-code")
            << QByteArray("  provider:\n    backend: claude-code\n  models:\n    default: sonnet\n")
            << int(ReadinessState::Skipped)
            << "local Claude Code sign-in not checked (status reads local state only)";
    }
    void llmRules()
    {
        QFETCH(QByteArray, llm);
        QFETCH(int, state);
        QFETCH(QString, detail);
        qputenv("KTX_TEST_KEY_SET", "sk-test-abcdef");
        QTemporaryDir tmp;
        const QString dir = makeProject(tmp, "llm:\n" + llm);
        QVERIFY(!dir.isEmpty());
        const StatusReport r = StatusReporter::compute(dir);
        QCOMPARE(int(lineOf(r, "llm")->state), state);
        QCOMPARE(lineOf(r, "llm")->detail, detail);
        QVERIFY(!r.toText().contains("sk-test-abcdef"));
    }

    void configErrorsBlockWithLocations()
    {
        QTemporaryDir tmp;
        const QString dir = makeProject(tmp, {});
        writeFile(dir + "/ktx.yaml",
                  "connections: {}\nllm:\n  provider:\n    backend: nope\nmemory: {}\n");
        const StatusReport r = StatusReporter::compute(dir);
        QCOMPARE(lineOf(r, "project")->state, ReadinessState::Fail);
        QCOMPARE(r.configIssues.size(), 2);
        QCOMPARE(r.configIssues.at(0).line, 4);
        QCOMPARE(r.verdict, Verdict::Blocked);
        QVERIFY(r.toText().contains("ktx.yaml:4:14  Unsupported llm.provider.backend: nope"));
    }

    void monitorFollowsEditsOnDisk()
    {
        QTemporaryDir tmp;
        const QString dir = makeProject(tmp, {});
        StatusMonitor monitor;
        QSignalSpy spy(&monitor, &StatusMonitor::reportReady);
        monitor.setProjectDir(dir);
        QTRY_COMPARE(spy.count(), 1);
        auto first = spy.takeFirst().at(0).value<StatusReport>();
        QCOMPARE(lineOf(first, "databases")->state, ReadinessState::Fail);
        // An editor-style save: write a temp file and rename it over ktx.yaml.
        writeFile(dir + "/ktx.yaml.tmp",
                  "connections:\n  w:\n    driver: postgres\n    host: db\n");
        QFile::remove(dir + "/ktx.yaml");
        QFile::rename(dir + "/ktx.yaml.tmp", dir + "/ktx.yaml");
        QTRY_VERIFY_WITH_TIMEOUT(!spy.isEmpty(), 5000);
        const auto updated = spy.takeLast().at(0).value<StatusReport>();
        QCOMPARE(lineOf(updated, "databases")->state, ReadinessState::Ok);
        // and a second change after the rename is still seen
        writeFile(dir + "/ktx.yaml", "connections: {}\n");
        QTRY_VERIFY_WITH_TIMEOUT(!spy.isEmpty(), 5000);
        QCOMPARE(lineOf(spy.takeLast().at(0).value<StatusReport>(), "databases")->state,
                 ReadinessState::Fail);
    }
};

QTEST_GUILESS_MAIN(TestStatusReporter)
#include "tst_statusreporter.moc"
