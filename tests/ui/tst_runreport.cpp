// The run view's report in the main window, offscreen: a pending dbt run whose
// report holds `contextSource` (written through the RunStore API) shows what
// the source contributed; its links, followed with the keyboard or the mouse,
// switch to the Review area on that run, the Semantic layer area on a source
// and the Wiki area on a page (also ones written after those areas were read).
#include "ingest/ingestrun.h"
#include "ingest/runeventlog.h"
#include "ingest/runstore.h"
#include "models/reviewsession.h"
#include "models/runreportdocument.h"
#include "models/semanticsourcemodel.h"
#include "reviewfixture.h"
#include "sources/contextsource.h"
#include "ui/ingestview.h"
#include "ui/mainwindow.h"
#include "ui/reviewarea.h"
#include "ui/semanticbrowser.h"
#include "ui/wikibrowser.h"

#include <QFile>
#include <QJsonArray>
#include <QSignalSpy>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QTest>
#include <QTextBrowser>
#include <QTreeView>

using namespace ktx;
using ktx::test::ReviewFixture;

namespace {

const QString OrdersPath = QStringLiteral("semantic-layer/warehouse/orders.yaml");
const QByteArray Orders = "name: orders\ntable: public.orders\ngrain: [order_id]\ncolumns:\n"
                          "  - name: order_id\n    type: number\n"
                          "  - name: amount\n    type: number\n"
                          "measures:\n  - name: revenue\n    expr: sum(amount)\n";
const QByteArray Customers = "name: customers\ntable: public.customers\ngrain: [customer_id]\n"
                             "columns:\n  - name: customer_id\n    type: number\n";
const QByteArray Page = "---\nsummary: How an order moves from placed to delivered.\n---\n\n"
                        "# Order lifecycle\n\nPlaced, paid, shipped, delivered.\n";
const QByteArray LatePage = "---\nsummary: Models dbt could not map to a table.\n---\n\n"
                            "# Unmapped dbt models\n\n- stg_payments\n";

QJsonObject contribution()
{
    ContextSourceReport r;
    r.driver = QStringLiteral("dbt");
    r.filesRead = {QStringLiteral("dbt_project.yml"), QStringLiteral("models/marts/schema.yml"),
                   QStringLiteral("models/staging/stg_orders.sql")};
    r.models = 6;
    r.sourceTables = 2;
    r.sources = {QStringLiteral("orders"), QStringLiteral("customers")};
    r.measures = 3;
    r.joins = 1;
    r.wikiPages = {QStringLiteral("order-lifecycle"), QStringLiteral("dbt-unmapped-models")};
    r.skipped = {{QStringLiteral("model stg_payments"),
                  QStringLiteral("no warehouse table matches its alias"),
                  QStringLiteral("models/staging/schema.yml"), 27}};
    r.errors = {{QStringLiteral("models/marts/broken.yml"), 4, 0,
                 QStringLiteral("could not parse the YAML")}};
    QJsonObject o = r.toJson();
    o.insert(QStringLiteral("warehouseConnectionId"), QStringLiteral("warehouse"));
    o.insert(QStringLiteral("location"), QStringLiteral("/srv/dbt/shop"));
    return o;
}

// Tabs through the report's links until `text` is the focused one.
bool focusLink(QTextBrowser *view, const QString &text)
{
    view->setFocus();
    for (int i = 0; i < 40; ++i) {
        QTest::keyClick(view, Qt::Key_Tab);
        if (view->textCursor().selectedText() == text)
            return true;
    }
    return false;
}

} // namespace

class TestRunReport : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase() { QStandardPaths::setTestModeEnabled(true); }

    void contributionAndLinks()
    {
        QTemporaryDir tmp;
        QVERIFY(tmp.isValid());
        // KTX_RUNREPORT_KEEP=<new dir> keeps the project (for screenshots).
        const QString keep = qEnvironmentVariable("KTX_RUNREPORT_KEEP");
        const QString dir = keep.isEmpty() ? tmp.filePath(QStringLiteral("project")) : keep;
        ReviewFixture fixture;
        QVERIFY2(fixture.createProject(dir,
                                       {{OrdersPath, Orders},
                                        {QStringLiteral("wiki/global/order-lifecycle.md"), Page}}),
                 qPrintable(fixture.error));
        GitRepository::FileChanges changes;
        QByteArray described = Orders;
        described.replace("grain:", "description: Orders placed.\ngrain:");
        changes.insert(OrdersPath, described);
        const QString runId = QStringLiteral("20261120-0930-dbt1");
        QVERIFY2(fixture.addRun(runId, changes,
                                QStringLiteral("raw-sources/shop_dbt/dbt/s1/schema.yml")),
                 qPrintable(fixture.error));
        {
            auto store = RunStore::open(dir);
            QVERIFY(store.ok());
            // A deterministic dbt run: no work units, one event stream from start to landing.
            auto record = (*store)->run(runId);
            QVERIFY(record);
            record->syncId = QStringLiteral("2026-11-20-093000");
            QVERIFY((*store)->updateRun(*record).ok());
            QVERIFY(QFile::remove(RunEventLog::pathFor(dir, runId)));
            RunEventLog log(runId, RunEventLog::pathFor(dir, runId));
            QVERIFY(log.open().ok());
            IngestEvent e;
            e.type = IngestEvent::Type::RunStarted;
            e.data = {{QStringLiteral("connectionId"), record->connectionId},
                      {QStringLiteral("sourceKey"), record->sourceKey},
                      {QStringLiteral("reviewMode"), QStringLiteral("review")}};
            log.append(e);
            for (int p = int(IngestPhase::Acquire); p <= int(IngestPhase::Land); ++p) {
                e.type = IngestEvent::Type::PhaseChanged;
                e.data = {{QStringLiteral("phase"), ingestPhaseName(IngestPhase(p))}};
                log.append(e);
            }
            e.type = IngestEvent::Type::Landed;
            e.data = {{QStringLiteral("mode"), QStringLiteral("review")},
                      {QStringLiteral("branch"), record->runBranch},
                      {QStringLiteral("commitId"), record->commitId}};
            log.append(e);
            log.flush();
            auto report = (*store)->report(runId);
            QVERIFY(report);
            report->insert(QStringLiteral("contextSource"), contribution());
            report->insert(QStringLiteral("modelCalls"), 0);
            report->insert(QStringLiteral("diffSummary"),
                           QJsonObject {{QStringLiteral("added"), 3},
                                        {QStringLiteral("modified"), 0},
                                        {QStringLiteral("deleted"), 0},
                                        {QStringLiteral("unchanged"), 0}});
            QVERIFY((*store)->saveReport(runId, *report).ok());
        }

        MainWindow window;
        window.resize(1300, 850);
        window.show();
        QVERIFY(QTest::qWaitForWindowExposed(&window));
        QSignalSpy sources(window.semanticBrowser(), &SemanticBrowser::sourcesShown);
        QSignalSpy pages(window.wikiBrowser(), &WikiBrowser::pagesShown);
        QVERIFY(window.openProject(dir));
        QVERIFY(sources.wait(10000));
        QTRY_VERIFY(pages.count() > 0);
        // Written after the Semantic layer and Wiki areas read the project.
        QVERIFY(ReviewFixture::writeFile(dir
                                             + QStringLiteral("/semantic-layer/warehouse/"
                                                              "customers.yaml"),
                                         Customers));
        QVERIFY(ReviewFixture::writeFile(
            dir + QStringLiteral("/wiki/global/dbt-unmapped-models.md"), LatePage));

        IngestView *ingest = window.ingestView();
        QVERIFY(window.showArea(MainWindow::IngestArea));
        QSignalSpy shown(ingest, &IngestView::reportShown);
        QVERIFY(ingest->openRun(runId).ok());
        QVERIFY(shown.wait(10000));
        QCOMPARE(shown.at(0).at(0).toString(), runId);
        QTextBrowser *report = ingest->reportView();
        QVERIFY(report->isVisible()); // a finished run opens on its report
        const QString text = report->toPlainText();
        QVERIFY2(text.contains(QStringLiteral("What the source contributed")), qPrintable(text));
        QVERIFY(text.contains(QStringLiteral("from /srv/dbt/shop")));
        QVERIFY(text.contains(QStringLiteral("onto warehouse warehouse")));
        QVERIFY(text.contains(QStringLiteral("no warehouse table matches its alias")));
        QVERIFY(text.contains(QStringLiteral("models/staging/schema.yml:27")));
        QVERIFY(text.contains(QStringLiteral("models/marts/broken.yml:4")));
        QVERIFY(text.contains(QStringLiteral("could not parse the YAML")));
        QVERIFY(text.contains(QStringLiteral("Open in Review")));
        QVERIFY(!text.contains(QStringLiteral("not built yet")));
        QVERIFY(!text.contains(QStringLiteral("models/staging/stg_orders.sql")));

        // The list of files read unfolds in place, from the keyboard.
        QVERIFY(focusLink(report, QStringLiteral("show the list")));
        QTest::keyClick(report, Qt::Key_Return);
        QVERIFY(report->toPlainText().contains(QStringLiteral("models/staging/stg_orders.sql")));
        QVERIFY(ingest->reportDocument().filesExpanded());

        // Open in Review, from the keyboard: the Review area on that run.
        QVERIFY(focusLink(report, QStringLiteral("Open in Review")));
        QTest::keyClick(report, Qt::Key_Return);
        QTRY_VERIFY(window.reviewArea()->isVisible());
        QVERIFY(!ingest->isVisible());
        QTRY_COMPARE(window.reviewArea()->session()->runId(), runId);

        // A source written before the area read the project, then one after.
        const auto follow = [&](const QUrl &url) {
            QVERIFY(window.showArea(MainWindow::IngestArea));
            Q_EMIT report->anchorClicked(url);
        };
        const auto selectedSource = [&window] {
            return window.semanticBrowser()
                ->treeView()
                ->currentIndex()
                .data(SemanticSourceModel::SourceNameRole)
                .toString();
        };
        follow(RunReportDocument::sourceUrl(QStringLiteral("warehouse"), QStringLiteral("orders")));
        QTRY_VERIFY(window.semanticBrowser()->isVisible());
        QCOMPARE(selectedSource(), QStringLiteral("orders"));
        follow(
            RunReportDocument::sourceUrl(QStringLiteral("warehouse"), QStringLiteral("customers")));
        QTRY_VERIFY(window.semanticBrowser()->isVisible());
        QTRY_COMPARE(selectedSource(), QStringLiteral("customers"));

        // Wiki pages, the same way.
        follow(RunReportDocument::wikiUrl(QStringLiteral("order-lifecycle")));
        QTRY_VERIFY(window.wikiBrowser()->isVisible());
        QTRY_COMPARE(window.wikiBrowser()->currentKey(), QStringLiteral("order-lifecycle"));
        follow(RunReportDocument::wikiUrl(QStringLiteral("dbt-unmapped-models")));
        QTRY_VERIFY(window.wikiBrowser()->isVisible());
        QTRY_COMPARE(window.wikiBrowser()->currentKey(), QStringLiteral("dbt-unmapped-models"));
    }
};

QTEST_MAIN(TestRunReport)
#include "tst_runreport.moc"
