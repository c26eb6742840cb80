// One work unit end to end with the real `codex` CLI (tests/node) against the
// fake model: codex reaches the unit's tools through the per-run loopback MCP
// server, records the ledger, edits the table's source, and the run lands.
#include "fakemodelserver.h"
#include "ingest/ingestrun.h"
#include "ingest/structuralingest.h"
#include "project/configloader.h"
#include "project/projectscaffold.h"

#include <QDir>
#include <QFile>
#include <QJsonArray>
#include <QProcess>
#include <QRegularExpression>
#include <QSqlDatabase>
#include <QSqlQuery>
#include <QTemporaryDir>
#include <QTest>

using namespace ktx;
using ktx::test::FakeModelServer;
using Reply = FakeModelServer::Reply;

namespace {

QString nodeBin(const QString &name)
{
    return QStringLiteral(KTX_TEST_SOURCE_DIR "/tests/node/node_modules/.bin/") + name;
}

QString git(const QString &dir, const QStringList &args)
{
    QProcess p;
    p.setWorkingDirectory(dir);
    p.start(QStringLiteral("git"), args);
    p.waitForFinished(30000);
    return QString::fromUtf8(p.readAllStandardOutput()).trimmed();
}

} // namespace

class TestIngestCodex : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void oneUnitThroughCodex()
    {
        if (!QFile::exists(nodeBin(QStringLiteral("codex"))))
            QSKIP(
                "tests/node/node_modules is not installed (scripts/setup.sh --tests installs it)");
        QTemporaryDir tmp;
        const QString db = tmp.filePath(QStringLiteral("shop.sqlite"));
        {
            QSqlDatabase s
                = QSqlDatabase::addDatabase(QStringLiteral("QSQLITE"), QStringLiteral("g"));
            s.setDatabaseName(db);
            QVERIFY(s.open());
            QSqlQuery q(s);
            QVERIFY(q.exec(QStringLiteral(
                "CREATE TABLE customers (customer_id INTEGER PRIMARY KEY, name TEXT)")));
            s.close();
        }
        QSqlDatabase::removeDatabase(QStringLiteral("g"));
        const QString dir = tmp.filePath(QStringLiteral("p"));
        ProjectScaffold::Options o;
        o.configText = QStringLiteral("connections:\n  shop:\n    driver: sqlite\n    path: %1\n")
                           .arg(db)
                           .toUtf8();
        QVERIFY(ProjectScaffold::create(dir, o).ok());
        ProjectConfig config = ConfigLoader::loadFile(dir + QStringLiteral("/ktx.yaml"))->config;
        config.scan.relationships.enabled = false;
        QVERIFY(
            StructuralIngest::run(dir, config, *config.connection(QStringLiteral("shop"))).ok());

        FakeModelServer fake;
        fake.setScript([](const FakeModelServer::Request &r, int) {
            const QString body = QString::fromUtf8(r.rawBody);
            if (body.contains(QLatin1String("## Changes of this run")))
                return Reply::say(QStringLiteral("nothing to reconcile"));
            if (r.toolName(QStringLiteral("sl_edit_source")).isEmpty())
                return Reply::say(QStringLiteral("no tools offered"));
            static const QRegularExpression rawP(
                QStringLiteral("(raw-sources/shop/live-database/[^\\s\\\\\"]+\\.json)"));
            QString raw;
            for (auto it = rawP.globalMatch(body); it.hasNext();) {
                const QString m = it.next().captured(1);
                if (m.contains(QLatin1String("/tables/")))
                    raw = m;
            }
            switch (r.toolResultCount()) {
            case 0:
                return Reply::call(
                    QStringLiteral("record_verification_ledger"),
                    {{QStringLiteral("summary"), QStringLiteral("read it")},
                     {QStringLiteral("verifiedIdentifiers"), QJsonArray {"customers"}}});
            case 1:
                return Reply::call(
                    QStringLiteral("sl_edit_source"),
                    {{QStringLiteral("connectionId"), QStringLiteral("shop")},
                     {QStringLiteral("sourceName"), QStringLiteral("customers")},
                     {QStringLiteral("yaml_edits"),
                      QJsonArray {QJsonObject {
                          {QStringLiteral("oldText"), QStringLiteral("name: customers\n")},
                          {QStringLiteral("newText"),
                           QStringLiteral(
                               "name: customers\ndescriptions:\n  ai: Everyone who bought.\n")}}}},
                     {QStringLiteral("rawPaths"), QJsonArray {raw}}});
            default:
                return Reply::say(QStringLiteral("done"));
            }
        });

        QTemporaryDir home;
        for (const char *d : {"codex-home", "codex-user"})
            QVERIFY(QDir(home.path()).mkpath(QLatin1String(d)));
        IngestRunOptions options;
        options.projectDir = dir;
        options.config = config;
        options.connectionId = QStringLiteral("shop");
        options.appVersion = QStringLiteral("test");
        LlmSettings &s = options.llm;
        s.backend = QStringLiteral("codex");
        s.models.insert(QStringLiteral("default"), QStringLiteral("fake-model"));
        s.projectDir = dir;
        s.processTimeoutMs = 120000;
        s.executable = nodeBin(QStringLiteral("codex"));
        const QString url = fake.baseUrl().toString();
        s.childEnvironment
            = {{QStringLiteral("FAKE_API_KEY"), QStringLiteral("dummy")},
               {QStringLiteral("CODEX_HOME"), home.filePath(QStringLiteral("codex-home"))},
               {QStringLiteral("HOME"), home.filePath(QStringLiteral("codex-user"))}};
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
        IngestRun run(options);
        auto result = run.run();
        QVERIFY2(result.ok(), result.ok() ? "" : qPrintable(result->record.failureMessage));
        QVERIFY2(result->record.status == QLatin1String("landed"),
                 qPrintable(result->record.failurePhase + ": " + result->record.failureMessage));
        QCOMPARE(result->report.workUnits.size(), 1);
        QVERIFY2(result->report.workUnits.first().status == QLatin1String("success"),
                 qPrintable(result->report.workUnits.first().reason));
        QFile source(dir + QStringLiteral("/semantic-layer/shop/customers.yaml"));
        QVERIFY(source.open(QIODevice::ReadOnly));
        QVERIFY(source.readAll().contains("ai: Everyone who bought."));
        QVERIFY(git(dir, {"status", "--porcelain"}).isEmpty());
    }
};

QTEST_GUILESS_MAIN(TestIngestCodex)
#include "tst_ingestcodex.moc"
