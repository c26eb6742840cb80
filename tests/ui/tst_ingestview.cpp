// The Ingest area starts a real run on the demo project (structural scan, then
// agent loops over the openai-compatible backend against a FakeModelServer),
// watches units finish live, then reopens the run from the browser: the
// rebuilt view equals the live one.
#include "demo/demoproject.h"
#include "fakemodelserver.h"
#include "ingest/ingestrun.h"
#include "ingest/runeventlog.h"
#include "models/runeventmodel.h"
#include "models/runlistmodel.h"
#include "ui/ingestview.h"
#include "ui/runbrowser.h"
#include "ui/transcriptview.h"

#include <QJsonArray>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QRegularExpression>
#include <QSignalSpy>
#include <QTableView>
#include <QTemporaryDir>
#include <QTest>
#include <QTextBrowser>

using namespace ktx;
using ktx::test::FakeModelServer;
using Reply = FakeModelServer::Reply;

class TestIngestView : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void runOnDemoThenReopen()
    {
        QTemporaryDir tmp;
        QVERIFY(tmp.isValid());
        // KTX_INGESTVIEW_KEEP=<new dir> keeps the project with its run (for screenshots).
        const QString keep = qEnvironmentVariable("KTX_INGESTVIEW_KEEP");
        const QString dir = keep.isEmpty() ? tmp.filePath(QStringLiteral("demo")) : keep;
        QVERIFY(DemoProject::create(dir).ok());

        // Every unit discovers the sources and finishes; the orders unit also
        // records its ledger and adds a description (a real write, so the run
        // has files written and a commit). The reconciliation says done.
        const QString conn = DemoProject::connectionId();
        FakeModelServer fake;
        fake.setScript([conn](const FakeModelServer::Request &r, int) {
            if (r.rawBody.contains("## Changes of this run"))
                return Reply::say(QStringLiteral("reconciled"));
            static const QRegularExpression tableP(
                QStringLiteral("### notes\\\\nTable ([A-Za-z0-9_]+) \\("));
            static const QRegularExpression rawP(
                QStringLiteral("### rawFiles\\\\n- ([^\\\\]+)\\\\n"));
            const QString body = QString::fromUtf8(r.rawBody);
            const QString table = tableP.match(body).captured(1);
            const QString raw = rawP.match(body).captured(1);
            const int step = r.toolResultCount();
            if (step == 0)
                return Reply::call(QStringLiteral("sl_discover"), {});
            if (table != QLatin1String("orders") || step > 2)
                return Reply::say(QStringLiteral("Nothing more to add for this table."));
            if (step == 1)
                return Reply::call(
                    QStringLiteral("record_verification_ledger"),
                    {{QStringLiteral("summary"), QStringLiteral("read the table file")},
                     {QStringLiteral("verifiedIdentifiers"), QJsonArray {table}}});
            return Reply::call(
                QStringLiteral("sl_edit_source"),
                {{QStringLiteral("connectionId"), conn},
                 {QStringLiteral("sourceName"), table},
                 {QStringLiteral("yaml_edits"),
                  QJsonArray {QJsonObject {
                      {QStringLiteral("oldText"), QStringLiteral("name: %1\n").arg(table)},
                      {QStringLiteral("newText"),
                       QStringLiteral("name: %1\ndescriptions:\n  ai: Orders placed.\n")
                           .arg(table)}}}},
                 {QStringLiteral("rawPaths"), QJsonArray {raw}}});
        });

        IngestView view;
        view.resize(1200, 800);
        view.show();
        view.setOptionsAdjuster([&fake](IngestRunOptions &o) {
            o.config.scan.relationships.enabled = false;
            o.config.ingest.maxConcurrency = 3;
            o.llm = {};
            o.llm.backend = QStringLiteral("openai-compatible");
            o.llm.models.insert(QStringLiteral("default"), QStringLiteral("fake-model"));
            o.llm.baseUrl = QUrl(fake.baseUrl().toString() + QStringLiteral("/v1"));
            o.llm.apiKey = QStringLiteral("sk-test");
            o.llm.idleTimeoutMs = 5000;
        });
        view.setProject(dir);
        QVERIFY(view.startButton()->isEnabled());
        QVERIFY(!view.cancelButton()->isEnabled());

        QSignalSpy finished(&view, &IngestView::runFinished);
        QSignalSpy rows(view.model(), &QAbstractItemModel::rowsInserted);
        QVERIFY(view.startIngest({DemoProject::connectionId()}).ok());
        QVERIFY(view.isRunning());
        QVERIFY(view.cancelButton()->isEnabled());
        QVERIFY(!view.startButton()->isEnabled());
        QVERIFY(finished.wait(240000));
        const QString status = finished.at(0).at(1).toString();
        QVERIFY2(status == QLatin1String("pending_review") || status == QLatin1String("landed"),
                 qPrintable(status + QStringLiteral(": ") + finished.at(0).at(2).toString()));
        QVERIFY(!view.isRunning());
        QVERIFY(rows.count() >= 1);

        RunEventModel *model = view.model();
        const QString runId = finished.at(0).at(0).toString();
        QCOMPARE(model->header().runId, runId);
        QCOMPARE(model->header().status, status);
        QVERIFY(model->rowCount() >= 3); // the demo's tables (and the reconciliation)
        int succeeded = 0;
        for (int row = 0; row < model->rowCount(); ++row)
            if (model->unit(row)->state == QLatin1String("success"))
                ++succeeded;
        QVERIFY2(succeeded >= 3, qPrintable(QString::number(succeeded)));
        QVERIFY(model->header().toolCalls >= 3);
        // The orders unit wrote its source file; it is in the table and the report.
        const int orders = model->rowOf(QStringLiteral("live-database-main-orders"));
        QVERIFY(orders >= 0);
        QCOMPARE(model->unit(orders)->state, QStringLiteral("success"));
        QVERIFY2(!model->unit(orders)->filesWritten.isEmpty(),
                 qPrintable(model->unit(orders)->reason));
        // The report is read on the thread pool; a pending run links to the Review area.
        QTRY_VERIFY(view.reportView()->toPlainText().contains(IngestRun::runBranch(runId)));
        QVERIFY(view.headerLabel()->text().contains(DemoProject::connectionId()));
        if (status == QLatin1String("pending_review"))
            QVERIFY(view.reportView()->toPlainText().contains(QStringLiteral("Open in Review")));
        QVERIFY(!view.reportView()->toPlainText().contains(QStringLiteral("not built yet")));

        // Selecting a unit shows its transcript with the tool call.
        view.unitTable()->selectRow(0);
        QTRY_VERIFY(view.transcript()->toPlainText().contains(QStringLiteral("sl_discover")));

        // The browser lists the run; opening it rebuilds the same contents from the file.
        QTRY_VERIFY(view.runBrowser()->model()->rowOf(runId) >= 0);
        QList<QJsonObject> liveEvents;
        for (const IngestEvent &e : model->events())
            liveEvents << e.toJson();
        QList<QVariant> liveStates;
        for (int row = 0; row < model->rowCount(); ++row)
            liveStates << model->data(model->index(row, RunEventModel::StateColumn))
                       << model->data(model->index(row, RunEventModel::StepsColumn))
                       << model->data(model->index(row, RunEventModel::ToolCallsColumn));
        QSignalSpy opened(&view, &IngestView::runOpened);
        const QModelIndex runRow
            = view.runBrowser()->model()->index(view.runBrowser()->model()->rowOf(runId), 0);
        Q_EMIT view.runBrowser()->table()->activated(runRow);
        QCOMPARE(opened.count(), 1);
        QList<QJsonObject> fileEvents;
        for (const IngestEvent &e : model->events())
            fileEvents << e.toJson();
        QCOMPARE(fileEvents, liveEvents);
        QList<QVariant> fileStates;
        for (int row = 0; row < model->rowCount(); ++row)
            fileStates << model->data(model->index(row, RunEventModel::StateColumn))
                       << model->data(model->index(row, RunEventModel::StepsColumn))
                       << model->data(model->index(row, RunEventModel::ToolCallsColumn));
        QCOMPARE(fileStates, liveStates);

        // Filters: a status no run has empties the list.
        view.runBrowser()->textFilter()->setText(QStringLiteral("no-such-run"));
        QCOMPARE(view.runBrowser()->model()->rowCount(), 0);
    }

    void rateLimitCountdown()
    {
        // A live log (not a job's): a rate-limit wait shows a countdown that
        // goes away when the run ends.
        QTemporaryDir tmp;
        RunEventLog log(QStringLiteral("r-wait"),
                        RunEventLog::pathFor(tmp.path(), QStringLiteral("r-wait")));
        QVERIFY(log.open().ok());
        IngestView view;
        view.show();
        view.followLog(&log);
        IngestEvent started;
        started.type = IngestEvent::Type::RunStarted;
        started.data = {{QStringLiteral("connectionId"), QStringLiteral("demo")}};
        log.append(started);
        IngestEvent wait;
        wait.type = IngestEvent::Type::RateLimitWait;
        wait.unitKey = QStringLiteral("orders");
        wait.data = {{QStringLiteral("waitMs"), 30000.0},
                     {QStringLiteral("reason"), QStringLiteral("HTTP 429")}};
        log.append(wait);
        QTRY_VERIFY(view.rateLimitLabel()->isVisible());
        QVERIFY(view.rateLimitLabel()->text().contains(QStringLiteral("HTTP 429")));
        static const QRegularExpression seconds(QStringLiteral("retrying in (\\d+) s"));
        const int left = seconds.match(view.rateLimitLabel()->text()).captured(1).toInt();
        QVERIFY2(left > 0 && left <= 30, qPrintable(view.rateLimitLabel()->text()));
        IngestEvent cancelled;
        cancelled.type = IngestEvent::Type::Cancelled;
        log.append(cancelled);
        QTRY_VERIFY(!view.rateLimitLabel()->isVisible());
        QCOMPARE(view.model()->header().status, QStringLiteral("cancelled"));
    }

    void cancelStopsTheRun()
    {
        QTemporaryDir tmp;
        const QString dir = tmp.filePath(QStringLiteral("demo"));
        QVERIFY(DemoProject::create(dir).ok());
        FakeModelServer fake;
        fake.setScript(
            [](const FakeModelServer::Request &, int) { return Reply::of(Reply::Kind::Stall); });
        IngestView view;
        view.setOptionsAdjuster([&fake](IngestRunOptions &o) {
            o.config.scan.relationships.enabled = false;
            o.llm = {};
            o.llm.backend = QStringLiteral("openai-compatible");
            o.llm.models.insert(QStringLiteral("default"), QStringLiteral("fake-model"));
            o.llm.baseUrl = QUrl(fake.baseUrl().toString() + QStringLiteral("/v1"));
            o.llm.apiKey = QStringLiteral("sk-test");
            o.llm.idleTimeoutMs = 60000;
        });
        view.setProject(dir);
        QSignalSpy finished(&view, &IngestView::runFinished);
        QVERIFY(view.startIngest({DemoProject::connectionId()}).ok());
        // Wait until units are running (stalled on the model), then cancel.
        QTRY_VERIFY_WITH_TIMEOUT(view.model()->header().phase == QLatin1String("work_units"),
                                 120000);
        view.cancel();
        QVERIFY(!view.cancelButton()->isEnabled());
        QVERIFY(finished.wait(30000));
        QCOMPARE(finished.at(0).at(1).toString(), QStringLiteral("cancelled"));
        QCOMPARE(view.model()->header().status, QStringLiteral("cancelled"));
        QVERIFY(view.startButton()->isEnabled());
    }
};

QTEST_MAIN(TestIngestView)
#include "tst_ingestview.moc"
