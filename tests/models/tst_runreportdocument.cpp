// The run view's report without widgets: RunReportData read from a real run
// store on the thread pool (RunReportLoader), and RunReportDocument's text for
// runs with and without a context source's report (counts, skipped items and
// errors with file:line, links that name what to open), a note's capture, and
// where a run's changes are.
#include "ingest/runstore.h"
#include "models/runreportdocument.h"
#include "models/runreportloader.h"
#include "sources/contextsource.h"

#include <QJsonArray>
#include <QRegularExpression>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>
#include <QThread>

using namespace ktx;
using Link = RunReportDocument::Link;

namespace {

// The HTML as a reader sees it: blocks and cells apart, inline tags gone,
// entities decoded, spaces collapsed.
QString visible(const QString &html)
{
    static const QRegularExpression blocks(
        QStringLiteral("</?(p|br|tr|td|li|ul|table|h\\d)\\b[^>]*>"));
    static const QRegularExpression tags(QStringLiteral("<[^>]*>"));
    static const QRegularExpression spaces(QStringLiteral("\\s+"));
    QString text = html;
    text.replace(blocks, QStringLiteral(" "));
    text.replace(tags, QString());
    text.replace(QLatin1String("&lt;"), QLatin1String("<"))
        .replace(QLatin1String("&gt;"), QLatin1String(">"))
        .replace(QLatin1String("&quot;"), QLatin1String("\""))
        .replace(QLatin1String("&amp;"), QLatin1String("&"));
    return text.replace(spaces, QStringLiteral(" ")).trimmed();
}

IngestRunRecord record(const QString &runId, const QString &status)
{
    IngestRunRecord r;
    r.runId = runId;
    r.jobId = runId;
    r.connectionId = QStringLiteral("shop_dbt");
    r.sourceKey = QStringLiteral("dbt");
    r.syncId = QStringLiteral("2026-11-20-093000");
    r.status = status;
    r.phase = QStringLiteral("land");
    r.baseCommit = QStringLiteral("1111111111111111111111111111111111111111");
    r.commitId = QStringLiteral("2222222222222222222222222222222222222222");
    r.runBranch = QStringLiteral("ktx/runs/") + runId;
    r.startedAtMs = 1'790'000'000'000;
    r.finishedAtMs = r.startedAtMs + 4000;
    return r;
}

// What a dbt run stores under `contextSource`: the parser's report plus the
// warehouse it maps to and where the files came from.
QJsonObject dbtContribution()
{
    ContextSourceReport report;
    report.driver = QStringLiteral("dbt");
    report.filesRead
        = {QStringLiteral("dbt_project.yml"), QStringLiteral("models/marts/orders.sql"),
           QStringLiteral("models/staging/schema.yml"),
           QStringLiteral("models/staging/stg_orders.sql")};
    report.models = 7;
    report.sourceTables = 3;
    report.sources = {QStringLiteral("orders"), QStringLiteral("customers")};
    report.measures = 5;
    report.joins = 2;
    report.wikiPages = {QStringLiteral("dbt-unmapped-models")};
    report.skipped = {{QStringLiteral("model stg_payments"),
                       QStringLiteral("no warehouse table matches its alias"),
                       QStringLiteral("models/staging/schema.yml"), 41},
                      {QStringLiteral("test expression_is_true"),
                       QStringLiteral("custom tests are not mapped"),
                       {},
                       0}};
    report.errors = {{QStringLiteral("models/marts/broken.yml"), 3, 7,
                      QStringLiteral("mapping values are not allowed here")}};
    QJsonObject o = report.toJson();
    o.insert(QStringLiteral("warehouseConnectionId"), QStringLiteral("warehouse"));
    o.insert(QStringLiteral("location"), QStringLiteral("/srv/dbt/shop"));
    return o;
}

QJsonObject pipelineReport()
{
    return {{QStringLiteral("diffSummary"),
             QJsonObject {{QStringLiteral("added"), 4},
                          {QStringLiteral("modified"), 1},
                          {QStringLiteral("deleted"), 0},
                          {QStringLiteral("unchanged"), 9}}},
            {QStringLiteral("workUnits"),
             QJsonArray {QJsonObject {{QStringLiteral("unitKey"), QStringLiteral("u1")}},
                         QJsonObject {{QStringLiteral("unitKey"), QStringLiteral("u2")}}}},
            {QStringLiteral("failedWorkUnits"), QJsonArray {QStringLiteral("u2")}},
            {QStringLiteral("modelCalls"), 1},
            {QStringLiteral("cacheHits"), 1},
            {QStringLiteral("evictionsApplied"), QJsonArray {QJsonObject {}}}};
}

RunReportData dataFor(const IngestRunRecord &r, const std::optional<QJsonObject> &report)
{
    RunReportData d;
    d.runId = r.runId;
    d.record = r;
    d.report = report;
    return d;
}

} // namespace

class TestRunReportDocument : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void linksRoundTrip()
    {
        const Link review = RunReportDocument::parseLink(
            RunReportDocument::reviewUrl(QStringLiteral("20261120-0930-c3d4")));
        QCOMPARE(review.kind, Link::Kind::OpenInReview);
        QCOMPARE(review.runId, QStringLiteral("20261120-0930-c3d4"));
        // Names with characters URLs treat specially come back unchanged.
        const Link source = RunReportDocument::parseLink(
            RunReportDocument::sourceUrl(QStringLiteral("wh &1"), QStringLiteral("a+b=c/d?e")));
        QCOMPARE(source.kind, Link::Kind::SemanticSource);
        QCOMPARE(source.connectionId, QStringLiteral("wh &1"));
        QCOMPARE(source.name, QStringLiteral("a+b=c/d?e"));
        const Link wiki = RunReportDocument::parseLink(
            RunReportDocument::wikiUrl(QStringLiteral("order-lifecycle%20x")));
        QCOMPARE(wiki.kind, Link::Kind::WikiPage);
        QCOMPARE(wiki.name, QStringLiteral("order-lifecycle%20x"));
        QCOMPARE(RunReportDocument::parseLink(RunReportDocument::toggleFilesUrl()).kind,
                 Link::Kind::ToggleFiles);
        QCOMPARE(
            RunReportDocument::parseLink(QUrl(QStringLiteral("https://example.com/review"))).kind,
            Link::Kind::None);
    }

    void contextSourceContribution()
    {
        QJsonObject report = pipelineReport();
        report.insert(QStringLiteral("contextSource"), dbtContribution());
        RunReportDocument doc;
        doc.setData(dataFor(record(QStringLiteral("r-dbt"), QStringLiteral("landed")), report));
        const QString html = doc.toHtml();
        const QString text = visible(html);

        QVERIFY2(text.contains(QStringLiteral("What the source contributed")), qPrintable(text));
        QVERIFY(text.contains(QStringLiteral("Driver dbt · from /srv/dbt/shop · onto warehouse "
                                             "warehouse")));
        QVERIFY2(text.contains(QStringLiteral("Files read 4 (show the list)")), qPrintable(text));
        QVERIFY(text.contains(QStringLiteral("Models 7")));
        QVERIFY(text.contains(QStringLiteral("Source tables 3")));
        QVERIFY(!text.contains(QStringLiteral("Explores"))); // not a dbt notion
        QVERIFY(text.contains(QStringLiteral("Semantic sources written 2: orders, customers")));
        QVERIFY(text.contains(QStringLiteral("Measures 5")));
        QVERIFY(text.contains(QStringLiteral("Joins 2")));
        QVERIFY(text.contains(QStringLiteral("Wiki pages written 1: dbt-unmapped-models")));
        // Skipped items with their reasons and where they are.
        QVERIFY(text.contains(QStringLiteral("Skipped (2)")));
        QVERIFY2(text.contains(QStringLiteral("model stg_payments — no warehouse table matches its "
                                              "alias (models/staging/schema.yml:41)")),
                 qPrintable(text));
        QVERIFY(text.contains(QStringLiteral("test expression_is_true — custom tests are not "
                                             "mapped")));
        // Per-file errors with file:line:column.
        QVERIFY(text.contains(QStringLiteral("Errors in 1 file(s)")));
        QVERIFY(text.contains(
            QStringLiteral("models/marts/broken.yml:3:7: mapping values are not allowed here")));
        // The list of files is folded until asked for.
        QVERIFY(!text.contains(QStringLiteral("models/staging/stg_orders.sql")));
        doc.setFilesExpanded(true);
        const QString expanded = visible(doc.toHtml());
        QVERIFY(expanded.contains(QStringLiteral("(hide the list)")));
        for (const QString &f :
             {QStringLiteral("dbt_project.yml"), QStringLiteral("models/staging/stg_orders.sql")})
            QVERIFY2(expanded.contains(f), qPrintable(f));
        // Sources link to the warehouse's semantic layer, pages to the wiki.
        QVERIFY(html.contains(
            RunReportDocument::sourceUrl(QStringLiteral("warehouse"), QStringLiteral("customers"))
                .toString(QUrl::FullyEncoded)
                .toHtmlEscaped()));
        QVERIFY(html.contains(RunReportDocument::wikiUrl(QStringLiteral("dbt-unmapped-models"))
                                  .toString(QUrl::FullyEncoded)
                                  .toHtmlEscaped()));
        // What today's report shows is still there.
        QVERIFY(text.contains(
            QStringLiteral("Raw evidence: +4 added, ~1 modified, -0 deleted, =9 unchanged")));
        QVERIFY(text.contains(
            QStringLiteral("2 work units, 1 failed; 1 model calls, 1 from the cache")));
        QVERIFY(text.contains(QStringLiteral("evictionsApplied: 1")));
        QVERIFY(text.contains(QStringLiteral("git diff 111111111111 222222222222")));

        // Another run starts folded again.
        doc.setData(dataFor(record(QStringLiteral("r-other"), QStringLiteral("landed")), report));
        QVERIFY(!doc.filesExpanded());
    }

    void lookmlCountsAndEscaping()
    {
        ContextSourceReport report;
        report.driver = QStringLiteral("lookml");
        report.models = 1;
        report.views = 4;
        report.explores = 2;
        report.sources = {QStringLiteral("<users>")};
        QJsonObject cs = report.toJson();
        cs.insert(QStringLiteral("location"), QStringLiteral("git@example.com:bi/looker.git"));
        RunReportDocument doc;
        doc.setData(dataFor(record(QStringLiteral("r-lk"), QStringLiteral("landed")),
                            QJsonObject {{QStringLiteral("contextSource"), cs}}));
        const QString html = doc.toHtml();
        const QString text = visible(html);
        QVERIFY(text.contains(QStringLiteral("LookML models 1")));
        QVERIFY(text.contains(QStringLiteral("Views 4")));
        QVERIFY(text.contains(QStringLiteral("Explores 2")));
        QVERIFY(!text.contains(QStringLiteral("Source tables")));
        QVERIFY(text.contains(QStringLiteral("Files read 0")));
        QVERIFY(!text.contains(QStringLiteral("show the list"))); // nothing to list
        // No warehouse named: the run's own connection.
        QVERIFY(text.contains(QStringLiteral("onto warehouse shop_dbt")));
        QVERIFY(html.contains(QStringLiteral("&lt;users&gt;")));
        QVERIFY(!html.contains(QStringLiteral("<users>")));
        // No work units and no model-call counters in the report: no such line.
        QVERIFY(!text.contains(QStringLiteral("work units")));
    }

    void withoutContextSource()
    {
        RunReportDocument doc;
        IngestRunRecord r = record(QStringLiteral("r-db"), QStringLiteral("pending_review"));
        r.sourceKey = QStringLiteral("live-database");
        doc.setData(dataFor(r, pipelineReport()));
        const QString html = doc.toHtml();
        const QString text = visible(html);
        QVERIFY(!text.contains(QStringLiteral("What the source contributed")));
        QVERIFY(!text.contains(QStringLiteral("What the note captured")));
        QVERIFY(text.contains(QStringLiteral("Status: pending_review, source shop_dbt "
                                             "(live-database), sync 2026-11-20-093000")));
        // A pending run links to the Review area; no stale "not built yet" text.
        QVERIFY(text.contains(QStringLiteral("Open in Review — its changes wait for your "
                                             "decision (branch ktx/runs/r-db)")));
        QVERIFY(html.contains(RunReportDocument::reviewUrl(QStringLiteral("r-db"))
                                  .toString(QUrl::FullyEncoded)
                                  .toHtmlEscaped()));
        QVERIFY(!text.contains(QStringLiteral("git diff")));

        // A failed run without a commit: its failure, and no diff.
        IngestRunRecord failed = record(QStringLiteral("r-fail"), QStringLiteral("failed"));
        failed.commitId.clear();
        failed.failurePhase = QStringLiteral("acquire");
        failed.failureMessage = QStringLiteral("cannot clone <git@example.com>");
        doc.setData(dataFor(failed, std::nullopt));
        doc.setColors(QStringLiteral("#ff0000"), QStringLiteral("#888888"));
        const QString failedHtml = doc.toHtml();
        QVERIFY(failedHtml.contains(QStringLiteral("color:#ff0000")));
        QVERIFY(visible(failedHtml)
                    .contains(QStringLiteral("Failed in acquire: cannot clone <git@example.com>")));
        QVERIFY(visible(failedHtml).contains(QStringLiteral("No file changed")));
        QVERIFY(!visible(failedHtml).contains(QStringLiteral("Open in Review")));

        RunReportData missing;
        missing.runId = QStringLiteral("nope");
        doc.setData(missing);
        QCOMPARE(visible(doc.toHtml()), QStringLiteral("Run nope is not in the run store."));
    }

    void noteCapture()
    {
        IngestRunRecord r = record(QStringLiteral("r-note"), QStringLiteral("landed"));
        r.sourceKey = QStringLiteral("text-memory");
        r.connectionId = QStringLiteral("warehouse");
        RunReportData d = dataFor(r, QJsonObject {});
        TextMemoryStatus captured;
        captured.status = QStringLiteral("done");
        captured.wiki = {QStringLiteral("refund-policy")};
        captured.sl = {QStringLiteral("warehouse:orders")};
        captured.xrefs = {QStringLiteral("refund-policy -> warehouse:orders")};
        captured.signalDetected = true;
        d.captured = captured;
        RunReportDocument doc;
        doc.setData(d);
        const QString html = doc.toHtml();
        const QString text = visible(html);
        QVERIFY(text.contains(QStringLiteral("What the note captured")));
        QVERIFY(text.contains(QStringLiteral("Wiki pages 1: refund-policy")));
        QVERIFY(text.contains(QStringLiteral("Semantic sources 1: warehouse:orders")));
        QVERIFY(
            text.contains(QStringLiteral("Cross references refund-policy -> warehouse:orders")));
        QVERIFY(html.contains(
            RunReportDocument::sourceUrl(QStringLiteral("warehouse"), QStringLiteral("orders"))
                .toString(QUrl::FullyEncoded)
                .toHtmlEscaped()));

        captured.wiki.clear();
        captured.sl.clear();
        captured.xrefs.clear();
        captured.signalDetected = false;
        d.captured = captured;
        doc.setData(d);
        QVERIFY(visible(doc.toHtml())
                    .contains(QStringLiteral("Nothing in the note was worth "
                                             "keeping")));
    }

    void loaderReadsTheStoreOnThePool()
    {
        QTemporaryDir tmp;
        QVERIFY(tmp.isValid());
        {
            auto store = RunStore::open(tmp.path());
            QVERIFY(store.ok());
            QVERIFY((*store)
                        ->insertRun(record(QStringLiteral("r-dbt"), QStringLiteral("landed")))
                        .ok());
            QJsonObject report = pipelineReport();
            report.insert(QStringLiteral("contextSource"), dbtContribution());
            QVERIFY((*store)->saveReport(QStringLiteral("r-dbt"), report).ok());
            // A note whose only unit wrote a wiki page.
            IngestRunRecord note = record(QStringLiteral("r-note"), QStringLiteral("landed"));
            note.sourceKey = QStringLiteral("text-memory");
            note.connectionId.clear();
            note.commitId.clear(); // no repository: no cross references to read
            QVERIFY((*store)->insertRun(note).ok());
            QVERIFY((*store)
                        ->saveReport(
                            QStringLiteral("r-note"),
                            {{QStringLiteral("workUnits"),
                              QJsonArray {QJsonObject {
                                  {QStringLiteral("unitKey"), QStringLiteral("note")},
                                  {QStringLiteral("status"), QStringLiteral("success")},
                                  {QStringLiteral("actions"),
                                   QJsonArray {QJsonObject {
                                       {QStringLiteral("target"), QStringLiteral("wiki")},
                                       {QStringLiteral("type"), QStringLiteral("created")},
                                       {QStringLiteral("key"), QStringLiteral("refunds")}}}}}}}})
                        .ok());
        }

        RunReportLoader loader;
        QSignalSpy loaded(&loader, &RunReportLoader::loaded);
        loader.load(tmp.path(), QStringLiteral("r-dbt"));
        QVERIFY(loader.isLoading());
        QVERIFY(loaded.wait(10000));
        QVERIFY(!loader.isLoading());
        auto data = loaded.takeFirst().at(0).value<RunReportData>();
        QCOMPARE(data.runId, QStringLiteral("r-dbt"));
        QVERIFY(data.record);
        QCOMPARE(data.record->status, QStringLiteral("landed"));
        QVERIFY(data.report);
        QCOMPARE(data.report->value(QStringLiteral("contextSource")).toObject(), dbtContribution());
        QVERIFY(!data.captured);

        loader.load(tmp.path(), QStringLiteral("r-note"));
        QVERIFY(loaded.wait(10000));
        data = loaded.takeFirst().at(0).value<RunReportData>();
        QVERIFY(data.captured);
        QCOMPARE(data.captured->wiki, QStringList {QStringLiteral("refunds")});
        QVERIFY(data.captured->signalDetected);

        // A newer load wins: only the last run asked for is delivered.
        loader.load(tmp.path(), QStringLiteral("r-dbt"));
        loader.load(tmp.path(), QStringLiteral("unknown-run"));
        QVERIFY(loaded.wait(10000));
        QTest::qWait(200); // the first read's answer, if it were delivered, would be here
        QCOMPARE(loaded.count(), 1);
        data = loaded.takeFirst().at(0).value<RunReportData>();
        QCOMPARE(data.runId, QStringLiteral("unknown-run"));
        QVERIFY(!data.record);
        QVERIFY(data.error.isEmpty());
    }
};

QTEST_GUILESS_MAIN(TestRunReportDocument)
#include "tst_runreportdocument.moc"
