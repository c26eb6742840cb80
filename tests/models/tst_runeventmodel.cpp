// RunEventModel fed the same event stream live (a real RunEventLog's batched
// signal) and from the events.jsonl that log wrote must hold identical
// contents; both pass QAbstractItemModelTester. RunListModel filters runs.
#include "ingest/ingestevent.h"
#include "ingest/runeventlog.h"
#include "models/runeventmodel.h"
#include "models/runlistmodel.h"

#include <QAbstractItemModelTester>
#include <QJsonArray>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>

using namespace ktx;
using Type = IngestEvent::Type;

namespace {

IngestEvent ev(Type type, const QString &unit, const QJsonObject &data, const QString &phase = {})
{
    IngestEvent e;
    e.type = type;
    e.unitKey = unit;
    e.data = data;
    e.phase = phase;
    return e;
}

// A small run: three units on two workers (one fails, one is cached), tool
// calls, a model message, write decisions, a gate finding about a file the
// orders unit wrote, a rate-limit wait, then landing in review mode.
QList<IngestEvent> constructedRun()
{
    const auto phase = [](const char *p) {
        return ev(Type::PhaseChanged, {}, {{QStringLiteral("phase"), QLatin1String(p)}});
    };
    QList<IngestEvent> l;
    l << ev(Type::RunStarted, {},
            {{QStringLiteral("connectionId"), QStringLiteral("demo")},
             {QStringLiteral("sourceKey"), QStringLiteral("live-database")},
             {QStringLiteral("jobId"), QStringLiteral("local-1")},
             {QStringLiteral("reviewMode"), QStringLiteral("review")},
             {QStringLiteral("maxConcurrency"), 2}});
    l << phase("acquire") << phase("plan");
    for (const char *t : {"orders", "customers", "products"})
        l << ev(Type::UnitPlanned, QLatin1String(t),
                {{QStringLiteral("label"), QStringLiteral("Table %1").arg(QLatin1String(t))}});
    l << phase("work_units");
    l << ev(Type::UnitStarted, QStringLiteral("orders"),
            {{QStringLiteral("worker"), 0}, {QStringLiteral("cached"), false}});
    l << ev(Type::UnitStarted, QStringLiteral("customers"),
            {{QStringLiteral("worker"), 1}, {QStringLiteral("cached"), false}});
    l << ev(Type::ToolCall, QStringLiteral("orders"),
            {{QStringLiteral("tool"), QStringLiteral("sl_read_source")},
             {QStringLiteral("input"),
              QJsonObject {{QStringLiteral("sourceName"), QStringLiteral("orders")}}},
             {QStringLiteral("output"), QStringLiteral("name: orders")},
             {QStringLiteral("durationMs"), 3.0}});
    l << ev(Type::UnitStep, QStringLiteral("orders"), {{QStringLiteral("toolCalls"), 1}});
    l << ev(
        Type::RateLimitWait, QStringLiteral("customers"),
        {{QStringLiteral("waitMs"), 2000.0}, {QStringLiteral("reason"), QStringLiteral("429")}});
    l << ev(Type::ModelMessage, QStringLiteral("orders"),
            {{QStringLiteral("text"), QStringLiteral("Orders <b>are</b> placed.")}});
    l << ev(Type::UnitStep, QStringLiteral("orders"),
            {{QStringLiteral("steps"), 2}, {QStringLiteral("toolCalls"), 1}});
    l << ev(Type::WriteDecision, QStringLiteral("orders"),
            {{QStringLiteral("tool"), QStringLiteral("wiki_write")},
             {QStringLiteral("path"), QStringLiteral("wiki/global/order-lifecycle.md")},
             {QStringLiteral("accepted"), true}});
    l << ev(Type::UnitFinished, QStringLiteral("orders"),
            {{QStringLiteral("status"), QStringLiteral("success")},
             {QStringLiteral("steps"), 3},
             {QStringLiteral("toolCalls"), 2},
             {QStringLiteral("durationMs"), 40.0},
             {QStringLiteral("filesWritten"),
              QJsonArray {QStringLiteral("semantic-layer/demo/orders.yaml"),
                          QStringLiteral("wiki/global/order-lifecycle.md")}},
             {QStringLiteral("usage"),
              QJsonObject {{QStringLiteral("input"), 100}, {QStringLiteral("output"), 20}}}});
    l << ev(Type::UnitFinished, QStringLiteral("customers"),
            {{QStringLiteral("status"), QStringLiteral("failed")},
             {QStringLiteral("reason"), QStringLiteral("step budget of 2 exhausted")},
             {QStringLiteral("steps"), 2},
             {QStringLiteral("toolCalls"), 0},
             {QStringLiteral("durationMs"), 55.0}});
    l << ev(Type::UnitStarted, QStringLiteral("products"), {{QStringLiteral("cached"), true}});
    l << ev(Type::UnitFinished, QStringLiteral("products"),
            {{QStringLiteral("status"), QStringLiteral("success")},
             {QStringLiteral("cached"), true},
             {QStringLiteral("durationMs"), 0.0},
             {QStringLiteral("filesWritten"),
              QJsonArray {QStringLiteral("semantic-layer/demo/products.yaml")}}});
    l << phase("integration") << phase("final_gates");
    l << ev(Type::GateFinding, {},
            {{QStringLiteral("kind"), QStringLiteral("wiki_sl_ref")},
             {QStringLiteral("artifact"), QStringLiteral("order-lifecycle")},
             {QStringLiteral("target"), QStringLiteral("ghost_source")},
             {QStringLiteral("action"), QStringLiteral("pruned")}});
    l << phase("reconciliation");
    l << ev(Type::ModelMessage, QStringLiteral("reconcile"),
            {{QStringLiteral("text"), QStringLiteral("reconciled")}});
    l << phase("land");
    l << ev(Type::Landed, {},
            {{QStringLiteral("mode"), QStringLiteral("review")},
             {QStringLiteral("branch"), QStringLiteral("ktx/runs/r1")},
             {QStringLiteral("commitId"), QStringLiteral("abc")}});
    return l;
}

void compareModels(const RunEventModel &a, const RunEventModel &b)
{
    QCOMPARE(a.events().size(), b.events().size());
    for (int i = 0; i < a.events().size(); ++i)
        QCOMPARE(a.events().at(i).toJson(), b.events().at(i).toJson());
    QCOMPARE(a.rowCount(), b.rowCount());
    QCOMPARE(a.columnCount(), b.columnCount());
    const QList<int> roles = a.roleNames().keys();
    for (int row = 0; row < a.rowCount(); ++row)
        for (int column = 0; column < a.columnCount(); ++column)
            for (int role : roles)
                QCOMPARE(a.data(a.index(row, column), role), b.data(b.index(row, column), role));
    for (int row = 0; row < a.rowCount(); ++row)
        QCOMPARE(a.transcript(a.unit(row)->key), b.transcript(b.unit(row)->key));
    QCOMPARE(a.transcript({}), b.transcript({}));
    const RunEventModel::Header &x = a.header(), &y = b.header();
    QCOMPARE(x.runId, y.runId);
    QCOMPARE(x.status, y.status);
    QCOMPARE(x.phase, y.phase);
    QCOMPARE(x.steps, y.steps);
    QCOMPARE(x.toolCalls, y.toolCalls);
    QCOMPARE(x.inputTokens, y.inputTokens);
    QCOMPARE(x.startedAtMs, y.startedAtMs);
    QCOMPARE(x.finishedAtMs, y.finishedAtMs);
    QCOMPARE(x.unitsFinished, y.unitsFinished);
    QCOMPARE(a.phaseIndex(), b.phaseIndex());
}

} // namespace

class TestRunEventModel : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void liveAndFileAreIdentical()
    {
        QTemporaryDir tmp;
        QVERIFY(tmp.isValid());
        const QString path = RunEventLog::pathFor(tmp.path(), QStringLiteral("r1"));
        RunEventLog log(QStringLiteral("r1"), path);
        QVERIFY(log.open().ok());

        RunEventModel live;
        QAbstractItemModelTester liveTester(&live,
                                            QAbstractItemModelTester::FailureReportingMode::QtTest);
        QSignalSpy resets(&live, &QAbstractItemModel::modelReset);
        QSignalSpy inserts(&live, &QAbstractItemModel::rowsInserted);
        QSignalSpy batches(&log, &RunEventLog::eventsAppended);
        connect(&log, &RunEventLog::eventsAppended, &live, &RunEventModel::appendEvents);

        const QList<IngestEvent> run = constructedRun();
        // Two halves with an event-loop turn between them: at least two batches.
        for (int i = 0; i < run.size() / 2; ++i)
            log.append(run.at(i));
        QTRY_VERIFY(batches.count() >= 1);
        for (int i = run.size() / 2; i < run.size(); ++i)
            log.append(run.at(i));
        QTRY_COMPARE(live.events().size(), run.size());
        QVERIFY(batches.count() >= 2);
        QCOMPARE(resets.count(), 0); // fine-grained: never a reset while events flow
        QVERIFY(inserts.count() <= batches.count());

        RunEventModel fromFile;
        QAbstractItemModelTester fileTester(&fromFile,
                                            QAbstractItemModelTester::FailureReportingMode::QtTest);
        QVERIFY(fromFile.loadFile(path).ok());
        compareModels(live, fromFile);

        // And what the stream says, spelled out.
        QCOMPARE(live.rowCount(), 4); // orders, customers, products, reconcile
        const int orders = live.rowOf(QStringLiteral("orders"));
        QCOMPARE(live.data(live.index(orders, 0), RunEventModel::StateRole).toString(),
                 QStringLiteral("success"));
        QCOMPARE(live.data(live.index(orders, 0), RunEventModel::StepsRole).toInt(), 3);
        QCOMPARE(live.data(live.index(orders, 0), RunEventModel::ToolCallsRole).toInt(), 2);
        QCOMPARE(live.data(live.index(orders, 0), RunEventModel::LabelRole).toString(),
                 QStringLiteral("Table orders"));
        QCOMPARE(live.data(live.index(orders, RunEventModel::FilesColumn)).toInt(), 2);
        QCOMPARE(live.data(live.index(orders, 0), RunEventModel::WorkerRole).toInt(), 0);
        const int customers = live.rowOf(QStringLiteral("customers"));
        QCOMPARE(live.data(live.index(customers, 0), RunEventModel::StateRole).toString(),
                 QStringLiteral("failed"));
        QCOMPARE(live.data(live.index(customers, 0), RunEventModel::ReasonRole).toString(),
                 QStringLiteral("step budget of 2 exhausted"));
        const int products = live.rowOf(QStringLiteral("products"));
        QVERIFY(live.data(live.index(products, 0), RunEventModel::CachedRole).toBool());
        QCOMPARE(live.data(live.index(products, 0), RunEventModel::WorkerRole).toInt(), -1);
        // The reconciliation ran without UnitStarted; the landing ends it.
        QCOMPARE(live.data(live.index(live.rowOf(QStringLiteral("reconcile")), 0),
                           RunEventModel::StateRole)
                     .toString(),
                 QStringLiteral("done"));

        // The gate finding about the page orders wrote is in orders' transcript.
        bool gateInOrders = false;
        for (int index : live.transcript(QStringLiteral("orders")))
            gateInOrders = gateInOrders || live.events().at(index).type == Type::GateFinding;
        QVERIFY(gateInOrders);
        QCOMPARE(live.transcript(QStringLiteral("customers")).size(),
                 4); // planned, started, rate wait, finished

        const RunEventModel::Header &h = live.header();
        QCOMPARE(h.runId, QStringLiteral("r1"));
        QCOMPARE(h.connectionId, QStringLiteral("demo"));
        QCOMPARE(h.status, QStringLiteral("pending_review"));
        QCOMPARE(h.phase, QStringLiteral("land"));
        QCOMPARE(live.phaseIndex(), int(RunEventModel::phases().size()) - 1);
        QCOMPARE(h.steps, 5); // orders 3 + customers 2
        QCOMPARE(h.toolCalls, 2);
        QCOMPARE(h.inputTokens, 100);
        QCOMPARE(h.outputTokens, 20);
        QCOMPARE(h.unitsFinished, 3);
        QCOMPARE(h.unitsFailed, 1);
        QCOMPARE(h.rateLimitUntilMs, 0); // the run ended: no wait shown
        QCOMPARE(h.maxConcurrency, 2);
        QCOMPARE(live.workerSlots(), 2);
    }

    void partialFileShowsARunningRun()
    {
        // A file cut mid-run (and a torn last line, as after a kill).
        QTemporaryDir tmp;
        const QString path = RunEventLog::pathFor(tmp.path(), QStringLiteral("r2"));
        {
            RunEventLog log(QStringLiteral("r2"), path);
            QVERIFY(log.open().ok());
            const QList<IngestEvent> run = constructedRun();
            for (int i = 0; i < 12; ++i)
                log.append(run.at(i));
        }
        QFile f(path);
        QVERIFY(f.open(QIODevice::Append));
        f.write("{\"seq\":13,\"type\":\"unit_fin");
        f.close();
        RunEventModel model;
        QAbstractItemModelTester tester(&model,
                                        QAbstractItemModelTester::FailureReportingMode::QtTest);
        QVERIFY(model.loadFile(path).ok());
        QCOMPARE(model.events().size(), 12);
        QCOMPARE(model.header().status, QStringLiteral("running"));
        QCOMPARE(model.header().phase, QStringLiteral("work_units"));
        QCOMPARE(model
                     .data(model.index(model.rowOf(QStringLiteral("orders")), 0),
                           RunEventModel::StateRole)
                     .toString(),
                 QStringLiteral("running"));
        QVERIFY(model.header().rateLimitUntilMs > 0);
        QVERIFY(!model.loadFile(tmp.filePath(QStringLiteral("missing.jsonl"))).ok());
    }

    void runListFilters()
    {
        RunListModel model;
        QAbstractItemModelTester tester(&model,
                                        QAbstractItemModelTester::FailureReportingMode::QtTest);
        QList<IngestRunRecord> runs;
        const auto rec = [](const char *id, const char *conn, const char *status,
                            const char *failure = "") {
            IngestRunRecord r;
            r.runId = QLatin1String(id);
            r.connectionId = QLatin1String(conn);
            r.sourceKey = QStringLiteral("live-database");
            r.status = QLatin1String(status);
            r.failureMessage = QLatin1String(failure);
            r.startedAtMs = 1700000000000;
            r.diff = QJsonObject {{QStringLiteral("added"), 3}, {QStringLiteral("modified"), 1}};
            return r;
        };
        runs << rec("run-3", "warehouse", "landed")
             << rec("run-2", "demo", "failed", "model timed out") << rec("run-1", "demo", "landed");
        model.setRuns(runs);
        QCOMPARE(model.rowCount(), 3);
        QCOMPARE(model.connections(),
                 (QStringList {QStringLiteral("demo"), QStringLiteral("warehouse")}));
        QCOMPARE(model.data(model.index(0, RunListModel::DiffColumn)).toString(),
                 QStringLiteral("+3/~1/-0"));
        model.setFilter(QStringLiteral("demo"), {}, {});
        QCOMPARE(model.rowCount(), 2);
        model.setFilter(QStringLiteral("demo"), QStringLiteral("landed"), {});
        QCOMPARE(model.rowCount(), 1);
        QCOMPARE(model.data(model.index(0, 0), RunListModel::RunIdRole).toString(),
                 QStringLiteral("run-1"));
        model.setFilter({}, {}, QStringLiteral("TIMED"));
        QCOMPARE(model.rowCount(), 1);
        QCOMPARE(model.run(0)->runId, QStringLiteral("run-2"));
        model.setFilter({}, {}, {});
        QCOMPARE(model.rowOf(QStringLiteral("run-1")), 2);
    }
};

QTEST_GUILESS_MAIN(TestRunEventModel)
#include "tst_runeventmodel.moc"
