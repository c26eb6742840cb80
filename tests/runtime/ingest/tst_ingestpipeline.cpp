// The enriched ingest pipeline end to end on real git repositories in temp
// dirs: the demo warehouse, structural ingest, then real agent loops (the
// openai-compatible HTTP backend) against a scripted FakeModelServer that plays
// one script per work unit, landing, the cache, a failing unit, cancellation,
// the event stream and the run store.
#include "demo/demoproject.h"
#include "fakemodelserver.h"
#include "ingest/ingestrun.h"
#include "ingest/runeventlog.h"
#include "ingest/runstore.h"
#include "ingest/structuralingest.h"
#include "project/configloader.h"
#include "semantic/sourceloader.h"

#include <QDir>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QMutex>
#include <QProcess>
#include <QRegularExpression>
#include <QTemporaryDir>
#include <QTest>

#include <thread>

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

QByteArray readAll(const QString &path)
{
    QFile f(path);
    return f.open(QIODevice::ReadOnly) ? f.readAll() : QByteArray();
}

// The table a unit is about, from the notes of its prompt ("Table orders (table, ...").
QString tableOf(const FakeModelServer::Request &r)
{
    static const QRegularExpression p(QStringLiteral("### notes\\\\nTable ([A-Za-z0-9_]+) \\("));
    return p.match(QString::fromUtf8(r.rawBody)).captured(1);
}

// One unit's script: read its source, record the ledger, add an AI description;
// the orders unit also writes a wiki page with a dangling sl_ref the gates prune.
Reply unitScript(const FakeModelServer::Request &r, const QString &connection)
{
    const QString table = tableOf(r);
    const QString raw = [&] {
        static const QRegularExpression p(QStringLiteral("### rawFiles\\\\n- ([^\\\\]+)\\\\n"));
        return p.match(QString::fromUtf8(r.rawBody)).captured(1);
    }();
    switch (r.toolResultCount()) {
    case 0:
        return Reply::call(
            QStringLiteral("sl_read_source"),
            {{QStringLiteral("connectionId"), connection}, {QStringLiteral("sourceName"), table}});
    case 1:
        return Reply::call(QStringLiteral("record_verification_ledger"),
                           {{QStringLiteral("summary"), QStringLiteral("read the table file")},
                            {QStringLiteral("verifiedIdentifiers"), QJsonArray {table}}});
    case 2:
        return Reply::call(
            QStringLiteral("sl_edit_source"),
            {{QStringLiteral("connectionId"), connection},
             {QStringLiteral("sourceName"), table},
             {QStringLiteral("yaml_edits"),
              QJsonArray {QJsonObject {
                  {QStringLiteral("oldText"), QStringLiteral("name: %1\n").arg(table)},
                  {QStringLiteral("newText"),
                   QStringLiteral("name: %1\ndescriptions:\n  ai: The %1 of Ridgeline Coffee.\n")
                       .arg(table)}}}},
             {QStringLiteral("rawPaths"), QJsonArray {raw}}});
    case 3:
        if (table == QLatin1String("orders"))
            return Reply::call(
                QStringLiteral("wiki_write"),
                {{QStringLiteral("key"), QStringLiteral("order-lifecycle")},
                 {QStringLiteral("content"),
                  QStringLiteral(
                      "---\nsummary: How an order moves from placed to delivered.\n"
                      "refs:\n  - refund-policy\nsl_refs:\n  - orders\n  - ghost_source\n"
                      "---\n\n# Order lifecycle\n\nSee [[refund-policy]].\n")},
                 {QStringLiteral("rawPaths"), QJsonArray {raw}}});
        return Reply::say(QStringLiteral("done"));
    default:
        return Reply::say(QStringLiteral("done"));
    }
}

Reply reconcileScript(const FakeModelServer::Request &r)
{
    if (r.toolResultCount() == 0)
        return Reply::call(
            QStringLiteral("emit_conflict_resolution"),
            {{QStringLiteral("kind"), QStringLiteral("definitional_contradiction")},
             {QStringLiteral("artifactKey"), QStringLiteral("order-lifecycle")},
             {QStringLiteral("contestedKey"), QStringLiteral("revenue-recognition")},
             {QStringLiteral("detail"), QStringLiteral("delivered vs shipped as revenue date")}});
    return Reply::say(QStringLiteral("reconciled"));
}

bool isReconcile(const FakeModelServer::Request &r)
{
    return r.rawBody.contains("## Changes of this run");
}

struct Demo
{
    QString dir;
    ProjectConfig config;
};

} // namespace

class TestIngestPipeline : public QObject
{
    Q_OBJECT

    QTemporaryDir m_tmp;
    int m_counter = 0;

    Demo makeDemo()
    {
        Demo d;
        d.dir = m_tmp.filePath(QStringLiteral("demo%1").arg(++m_counter));
        if (!DemoProject::create(d.dir).ok())
            return {};
        d.config = ConfigLoader::loadFile(d.dir + QStringLiteral("/ktx.yaml"))->config;
        d.config.scan.relationships.enabled = false; // declared keys only: fast and stable
        auto structural = StructuralIngest::run(d.dir, d.config,
                                                *d.config.connection(DemoProject::connectionId()));
        if (!structural.ok())
            return {};
        return d;
    }

    IngestRunOptions optionsFor(const Demo &d, const FakeModelServer &fake,
                                const QString &mode = QStringLiteral("auto"))
    {
        IngestRunOptions o;
        o.projectDir = d.dir;
        o.config = d.config;
        o.config.ingest.maxConcurrency = 4;
        o.connectionId = DemoProject::connectionId();
        o.reviewMode = mode;
        o.appVersion = QStringLiteral("test");
        o.llm.backend = QStringLiteral("openai-compatible");
        o.llm.models.insert(QStringLiteral("default"), QStringLiteral("fake-model"));
        o.llm.baseUrl = QUrl(fake.baseUrl().toString() + QStringLiteral("/v1"));
        o.llm.apiKey = QStringLiteral("sk-test");
        o.llm.idleTimeoutMs = 5000;
        return o;
    }

private Q_SLOTS:
    void initTestCase() { QVERIFY(m_tmp.isValid()); }

    void demoEnrichedThenNoModelCall()
    {
        const Demo d = makeDemo();
        QVERIFY(!d.dir.isEmpty());
        const QString conn = DemoProject::connectionId();
        FakeModelServer fake;
        fake.setScript([conn](const FakeModelServer::Request &r, int) {
            if (isReconcile(r))
                return reconcileScript(r);
            if (tableOf(r) == QLatin1String("refunds"))
                return Reply::httpError(400, QStringLiteral("invalid_request_error"));
            return unitScript(r, conn);
        });
        const QString headBefore = git(d.dir, {"rev-parse", "HEAD"});

        IngestRun run(optionsFor(d, fake));
        auto result = run.run();
        QVERIFY2(result.ok(), result.ok() ? "" : qPrintable(result.error().toText()));
        QVERIFY2(result->record.status == QLatin1String("landed"),
                 qPrintable(result->record.failurePhase + ": " + result->record.failureMessage));
        const IngestReport &report = result->report;
        QCOMPARE(report.workUnits.size(), 14);
        // the failing unit fails alone
        QCOMPARE(report.failedWorkUnits, QStringList {"live-database-main-refunds"});
        for (const WorkUnitReport &unit : report.workUnits)
            if (unit.unitKey != QLatin1String("live-database-main-refunds"))
                QVERIFY2(unit.status == QLatin1String("success"),
                         qPrintable(unit.unitKey + unit.reason));

        // one commit, in the original's format, on top of the structural one
        QCOMPARE(git(d.dir, {"rev-parse", "HEAD~1"}), headBefore);
        const QString subject = git(d.dir, {"log", "-1", "--format=%s"});
        QVERIFY2(
            QRegularExpression(
                QStringLiteral(
                    "^ingest\\(live-database\\): local-\\S+ syncId=\\S+ diff=\\+\\d+/~0/-0/=0; "
                    "failed WUs: live-database-main-refunds$"))
                .match(subject)
                .hasMatch(),
            qPrintable(subject));
        QVERIFY(git(d.dir, {"status", "--porcelain"}).isEmpty());
        QVERIFY(git(d.dir, {"branch", "--list", "ktx/runs/*"}).isEmpty());

        // enriched sources and a wiki page, written through the tools
        const QByteArray orders = readAll(d.dir + "/semantic-layer/" + conn + "/orders.yaml");
        QVERIFY2(orders.contains("ai: The orders of Ridgeline Coffee."), orders.constData());
        QVERIFY(SourceLoader::fromYaml(orders).source.has_value());
        QVERIFY(!readAll(d.dir + "/semantic-layer/" + conn + "/refunds.yaml").contains("ai:"));
        const QByteArray page = readAll(d.dir + "/wiki/global/order-lifecycle.md");
        QVERIFY2(page.contains("refund-policy") && page.contains("- orders"), page.constData());
        QVERIFY2(!page.contains("ghost_source"), page.constData()); // pruned by the gate
        QCOMPARE(report.finalGatePrunedReferences.size(), 1);
        QCOMPARE(report.finalGatePrunedReferences.first().kind,
                 QStringLiteral("missing_wiki_sl_ref"));
        // reconciliation flagged the contradiction for a person
        QCOMPARE(report.conflictsResolved.size(), 1);
        QCOMPARE(report.conflictsResolved.first().kind,
                 QStringLiteral("definitional_contradiction"));
        QVERIFY(report.conflictsResolved.first().flaggedForHuman);
        QVERIFY(report.provenanceRows.size() >= 14);

        // the event stream: on disk exactly what was delivered
        const QList<IngestEvent> live = run.eventLog()->events();
        auto fromFile = RunEventLog::read(result->eventsPath);
        QVERIFY(fromFile.ok());
        QCOMPARE(fromFile->size(), live.size());
        for (int i = 0; i < live.size(); ++i) {
            QCOMPARE(fromFile->at(i).type, live.at(i).type);
            QCOMPARE(fromFile->at(i).toJson(), live.at(i).toJson());
        }
        const auto count = [&](IngestEvent::Type t) {
            return std::count_if(live.cbegin(), live.cend(),
                                 [t](const IngestEvent &e) { return e.type == t; });
        };
        QCOMPARE(count(IngestEvent::Type::UnitPlanned), 14);
        QCOMPARE(count(IngestEvent::Type::UnitFinished), 14);
        QCOMPARE(count(IngestEvent::Type::Landed), 1);
        QVERIFY(count(IngestEvent::Type::ToolCall) >= 13 * 3);
        QVERIFY(count(IngestEvent::Type::WriteDecision) >= 13);
        QCOMPARE(count(IngestEvent::Type::ReconciliationRecord), 1);
        QCOMPARE(count(IngestEvent::Type::GateFinding), 1);

        // the run store has the run and its report
        auto store = RunStore::open(d.dir);
        QVERIFY(store.ok());
        const auto record = (*store)->run(result->record.runId);
        QVERIFY(record);
        QCOMPARE(record->status, QStringLiteral("landed"));
        const auto body = (*store)->report(result->record.runId);
        QVERIFY(body);
        QCOMPARE(body->value("workUnits").toArray().size(), 14);

        // a second run with nothing changed makes no model call and no commit
        const int requests = fake.requestCount();
        const QString head = git(d.dir, {"rev-parse", "HEAD"});
        IngestRun again(optionsFor(d, fake));
        auto second = again.run();
        QVERIFY(second.ok());
        QCOMPARE(second->record.status, QStringLiteral("landed"));
        QCOMPARE(fake.requestCount(), requests);
        QCOMPARE(second->report.workUnits.size(), 0);
        QCOMPARE(git(d.dir, {"rev-parse", "HEAD"}), head);
    }

    // Two units create the same wiki page with different text: the 3-way merge
    // cannot combine them, the resolver loop gets the three versions, its first
    // answer fails the page check and is refused, its second lands.
    void integrationConflictGoesToTheResolver()
    {
        const Demo d = makeDemo();
        QVERIFY(!d.dir.isEmpty());
        const QString conn = DemoProject::connectionId();
        const auto page = [](const QString &table) {
            return QStringLiteral("---\nsummary: Terms used in the data.\n---\n\n# Glossary\n\n"
                                  "- %1: a row of the %1 table.\n")
                .arg(table);
        };
        FakeModelServer fake;
        QByteArray seenConflict;
        QMutex seenMutex;
        fake.setScript([&](const FakeModelServer::Request &r, int) {
            if (r.rawBody.contains("read_conflict")) {
                switch (r.toolResultCount()) {
                case 0:
                    return Reply::call(QStringLiteral("read_conflict"), {});
                case 1: {
                    QMutexLocker lock(&seenMutex);
                    seenConflict = r.rawBody;
                    // no front-matter: the page check refuses it
                    return Reply::call(
                        QStringLiteral("write_resolved_file"),
                        {{QStringLiteral("content"), QStringLiteral("# Glossary\n")}});
                }
                case 2:
                    return Reply::call(
                        QStringLiteral("write_resolved_file"),
                        {{QStringLiteral("content"),
                          QStringLiteral("---\nsummary: Terms used in the data.\n---\n\n"
                                         "# Glossary\n\n- customers: a row of the customers "
                                         "table.\n- orders: a row of the orders table.\n")}});
                default:
                    return Reply::say(QStringLiteral("resolved"));
                }
            }
            if (isReconcile(r))
                return Reply::say(QStringLiteral("nothing to reconcile"));
            const QString table = tableOf(r);
            if (table != QLatin1String("orders") && table != QLatin1String("customers"))
                return Reply::say(QStringLiteral("nothing here"));
            const QString raw = [&] {
                static const QRegularExpression p(
                    QStringLiteral("### rawFiles\\\\n- ([^\\\\]+)\\\\n"));
                return p.match(QString::fromUtf8(r.rawBody)).captured(1);
            }();
            switch (r.toolResultCount()) {
            case 0:
                return Reply::call(QStringLiteral("record_verification_ledger"),
                                   {{QStringLiteral("summary"), QStringLiteral("read the table")},
                                    {QStringLiteral("verifiedIdentifiers"), QJsonArray {table}}});
            case 1:
                return Reply::call(QStringLiteral("wiki_write"),
                                   {{QStringLiteral("key"), QStringLiteral("glossary")},
                                    {QStringLiteral("content"), page(table)},
                                    {QStringLiteral("rawPaths"), QJsonArray {raw}}});
            default:
                return Reply::say(QStringLiteral("done"));
            }
        });

        IngestRun run(optionsFor(d, fake));
        auto result = run.run();
        QVERIFY2(result.ok(), result.ok() ? "" : qPrintable(result.error().toText()));
        QCOMPARE(result->record.status, QStringLiteral("landed"));
        const IngestReport &report = result->report;
        QCOMPARE(report.integrationConflicts.size(), 1);
        const QJsonObject conflict = report.integrationConflicts.first().toObject();
        QCOMPARE(conflict.value("path").toString(), QStringLiteral("wiki/global/glossary.md"));
        QCOMPARE(conflict.value("detail").toString(), QStringLiteral("both created the file"));
        QCOMPARE(conflict.value("resolution").toString(), QStringLiteral("resolved"));
        QCOMPARE(report.resolverAttempts, 1); // the refused write was fixed inside the loop
        QCOMPARE(report.resolverRepairs, 1);
        QCOMPARE(report.resolverFailures, 0);
        // The resolver saw both units' versions.
        QVERIFY(seenConflict.contains("a row of the customers table"));
        QVERIFY(seenConflict.contains("a row of the orders table"));
        const QByteArray merged = readAll(d.dir + "/wiki/global/glossary.md");
        QVERIFY2(merged.contains("- customers: a row") && merged.contains("- orders: a row"),
                 merged.constData());
        QVERIFY(git(d.dir, {"status", "--porcelain"}).isEmpty());
    }

    void cachedUnitsMakeNoModelCall()
    {
        const Demo d = makeDemo();
        QVERIFY(!d.dir.isEmpty());
        const QString conn = DemoProject::connectionId();
        FakeModelServer fake;
        fake.setScript([conn](const FakeModelServer::Request &r, int) {
            return isReconcile(r) ? Reply::say(QStringLiteral("nothing to reconcile"))
                                  : unitScript(r, conn);
        });
        // review mode: the run waits on its branch; nothing lands on main
        const QString head = git(d.dir, {"rev-parse", "HEAD"});
        IngestRun pending(optionsFor(d, fake, QStringLiteral("review")));
        auto first = pending.run();
        QVERIFY(first.ok());
        QCOMPARE(first->record.status, QStringLiteral("pending_review"));
        QCOMPARE(git(d.dir, {"rev-parse", "HEAD"}), head);
        const QString branch = IngestRun::runBranch(first->record.runId);
        QCOMPARE(git(d.dir, {"rev-parse", "--verify", "-q", branch}).size(), 40);
        QVERIFY(git(d.dir, {"status", "--porcelain"}).isEmpty());
        const int requests = fake.requestCount();
        QVERIFY(requests >= 14 * 4);

        // nothing landed, so every unit is planned again, and every one replays from the cache
        IngestRun auto_(optionsFor(d, fake));
        auto second = auto_.run();
        QVERIFY(second.ok());
        QCOMPARE(second->record.status, QStringLiteral("landed"));
        QCOMPARE(second->report.cacheHits, 14);
        QCOMPARE(second->report.modelCalls, 0);
        // only reconciliation spoke to the model
        QCOMPARE(fake.requestCount() - requests, 1);
        QVERIFY(readAll(d.dir + "/semantic-layer/" + conn + "/orders.yaml")
                    .contains("ai: The orders of Ridgeline Coffee."));
        // the pending branch stays for review
        QCOMPARE(git(d.dir, {"rev-parse", "--verify", "-q", branch}).size(), 40);
    }

    void cancelLeavesNothing()
    {
        const Demo d = makeDemo();
        QVERIFY(!d.dir.isEmpty());
        FakeModelServer fake;
        fake.setScript(
            [](const FakeModelServer::Request &, int) { return Reply::of(Reply::Kind::Stall); });
        const QString head = git(d.dir, {"rev-parse", "HEAD"});
        IngestRunOptions o = optionsFor(d, fake);
        o.llm.idleTimeoutMs = 60000;
        CancellationToken cancel = o.cancel;
        IngestRun run(o);
        std::thread canceller([&] {
            while (fake.requestCount() < 4)
                std::this_thread::sleep_for(std::chrono::milliseconds(10));
            cancel.cancel();
        });
        auto result = run.run();
        canceller.join();
        QVERIFY(result.ok());
        QCOMPARE(result->record.status, QStringLiteral("cancelled"));
        QCOMPARE(git(d.dir, {"rev-parse", "HEAD"}), head);
        QVERIFY(git(d.dir, {"status", "--porcelain"}).isEmpty());
        QVERIFY(git(d.dir, {"branch", "--list", "ktx/runs/*"}).isEmpty());
        auto events = RunEventLog::read(result->eventsPath);
        QVERIFY(events.ok());
        QCOMPARE(events->last().type, IngestEvent::Type::Cancelled);
    }

    void killedRunIsInterrupted()
    {
        const Demo d = makeDemo();
        QVERIFY(!d.dir.isEmpty());
        // A run row left `running` by a process that is gone.
        {
            auto store = RunStore::open(d.dir);
            QVERIFY(store.ok());
            IngestRunRecord dead;
            dead.runId = QStringLiteral("20200101-000000-dead00");
            dead.connectionId = DemoProject::connectionId();
            dead.sourceKey = QStringLiteral("live-database");
            dead.status = QStringLiteral("running");
            dead.pid = 999999; // above pid_max on typical kernels
            QVERIFY((*store)->insertRun(dead).ok());
        }
        git(d.dir, {"branch", "ktx/runs/20200101-000000-dead00"});
        FakeModelServer fake;
        fake.setScript([](const FakeModelServer::Request &, int) { return Reply::say("done"); });
        IngestRun run(optionsFor(d, fake));
        auto result = run.run();
        QVERIFY(result.ok());
        QCOMPARE(result->interruptedRuns, QStringList {"20200101-000000-dead00"});
        auto store = RunStore::open(d.dir);
        QCOMPARE((*store)->run("20200101-000000-dead00")->status, QStringLiteral("interrupted"));
        QVERIFY(git(d.dir, {"branch", "--list", "ktx/runs/20200101-000000-dead00"}).isEmpty());
    }
};

QTEST_GUILESS_MAIN(TestIngestPipeline)
#include "tst_ingestpipeline.moc"
