// Context sources on the enriched pipeline (ktx-spec §9.3): a generated dbt
// project of 30 properties files ingested into a real git repository through
// IngestRun — the deterministic projection lands with backend none while the
// units (one per schema file above 25 YAML files) wait for a model; with a
// scripted fake model (openai-compatible backend, real agent loops) they run
// once, a changed schema file re-plans only its unit, and review mode leaves
// a pending run whose hunks name the projection and its evidence. Planning of
// MetricFlow (connected components) and LookML (models, orphan views) too.
#include "demo/demoproject.h"
#include "fakemodelserver.h"
#include "ingest/contextsourceadapter.h"
#include "ingest/contextsourceingest.h"
#include "ingest/ingestrun.h"
#include "ingest/runeventlog.h"
#include "ingest/runstore.h"
#include "ingest/structuralingest.h"
#include "project/configloader.h"
#include "review/runreview.h"

#include <QDir>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QProcess>
#include <QRegularExpression>
#include <QTemporaryDir>
#include <QTest>

using namespace ktx;
using ktx::test::FakeModelServer;
using Reply = FakeModelServer::Reply;

namespace {

constexpr int SchemaFiles = 30;

QString git(const QString &dir, const QStringList &args)
{
    QProcess p;
    p.setWorkingDirectory(dir);
    p.start(QStringLiteral("git"), args);
    p.waitForFinished(30000);
    return QString::fromUtf8(p.readAllStandardOutput()).trimmed();
}

bool writeFile(const QString &path, const QByteArray &bytes)
{
    QDir().mkpath(QFileInfo(path).absolutePath());
    QFile f(path);
    return f.open(QIODevice::WriteOnly | QIODevice::Truncate) && f.write(bytes) == bytes.size();
}

// Model i of the generated project: the first three build demo warehouse tables.
QString modelName(int i)
{
    static const QStringList mapped {QStringLiteral("orders"), QStringLiteral("customers"),
                                     QStringLiteral("payments")};
    return i < mapped.size() ? mapped.at(i)
                             : QStringLiteral("m_%1").arg(i, 2, 10, QLatin1Char('0'));
}

// A dbt project with one folder per model: models/gNN/schema.yml + <model>.sql.
bool generateDbt(const QString &root)
{
    bool ok = writeFile(root + QStringLiteral("/dbt_project.yml"),
                        "name: gen\nversion: '1.0'\nprofile: gen\nmodel-paths: [\"models\"]\n");
    for (int i = 0; i < SchemaFiles; ++i) {
        const QString folder
            = QStringLiteral("%1/models/g%2").arg(root).arg(i, 2, 10, QLatin1Char('0'));
        const QString name = modelName(i);
        ok = ok
            && writeFile(folder + QStringLiteral("/schema.yml"),
                         QStringLiteral("version: 2\nmodels:\n  - name: %1\n    description: Model "
                                        "%2 of the generated project.\n")
                             .arg(name)
                             .arg(i)
                             .toUtf8())
            && writeFile(folder + QLatin1Char('/') + name + QStringLiteral(".sql"),
                         "select 1 as id\n");
    }
    return ok;
}

QString unitKeyOf(const FakeModelServer::Request &r)
{
    static const QRegularExpression p(QStringLiteral("## WorkUnit: ([A-Za-z0-9_:-]+)\\\\n"));
    return p.match(QString::fromUtf8(r.rawBody)).captured(1);
}

// Units say there is nothing to add, except the g03 one, which writes a page
// citing its schema file.
Reply unitScript(const FakeModelServer::Request &r)
{
    if (r.rawBody.contains("## Changes of this run"))
        return Reply::say(QStringLiteral("nothing to reconcile"));
    if (unitKeyOf(r) != QLatin1String("dbt-models-g03-schema"))
        return Reply::say(QStringLiteral("Extraction covered it."));
    static const QRegularExpression schema(
        QStringLiteral("raw-sources/gen_dbt/dbt/[^\\\\\"]+/models/g03/schema\\.yml"));
    const QString raw = schema.match(QString::fromUtf8(r.rawBody)).captured(0);
    const QList<Reply> steps {
        Reply::call(QStringLiteral("record_verification_ledger"),
                    {{QStringLiteral("summary"), QStringLiteral("read g03")},
                     {QStringLiteral("verifiedIdentifiers"), QJsonArray {}}}),
        Reply::call(QStringLiteral("wiki_write"),
                    {{QStringLiteral("key"), QStringLiteral("model-m-03")},
                     {QStringLiteral("content"),
                      QStringLiteral("---\nsummary: What model 3 is for.\n---\n\n# Model 3\n\n"
                                     "Model 3 of the generated project.\n")},
                     {QStringLiteral("rawPaths"), QJsonArray {raw}}})};
    const int at = r.toolResultCount();
    return at < steps.size() ? steps.at(at) : Reply::say(QStringLiteral("done"));
}

QList<IngestEvent> eventsOf(const QString &dir, const QString &runId)
{
    auto events = RunEventLog::read(RunEventLog::pathFor(dir, runId));
    return events.ok() ? *events : QList<IngestEvent>();
}

QStringList plannedUnits(const QList<IngestEvent> &events)
{
    QStringList keys;
    for (const IngestEvent &e : events)
        if (e.type == IngestEvent::Type::UnitPlanned)
            keys << e.unitKey;
    keys.sort();
    return keys;
}

} // namespace

class TestContextSourcePipeline : public QObject
{
    Q_OBJECT

    QTemporaryDir m_tmp;
    int m_counter = 0;

    // A demo project with its structural ingest committed, and a dbt source.
    QString makeProject(ProjectConfig *config, ConnectionConfig *dbt, QString *sourceDir)
    {
        const QString dir = m_tmp.filePath(QStringLiteral("p%1").arg(++m_counter));
        if (!DemoProject::create(dir).ok())
            return {};
        *config = ConfigLoader::loadFile(dir + QStringLiteral("/ktx.yaml"))->config;
        config->scan.relationships.enabled = false;
        if (!StructuralIngest::run(dir, *config, *config->connection(DemoProject::connectionId()))
                 .ok())
            return {};
        *sourceDir = m_tmp.filePath(QStringLiteral("dbt%1").arg(m_counter));
        if (!generateDbt(*sourceDir))
            return {};
        dbt->id = QStringLiteral("gen_dbt");
        dbt->driver = QStringLiteral("dbt");
        dbt->fields.insert(QStringLiteral("source_dir"), *sourceDir);
        dbt->fields.insert(QStringLiteral("warehouse"), DemoProject::connectionId());
        config->connections << *dbt;
        return dir;
    }

    static void useModel(ProjectConfig *config, const FakeModelServer &fake)
    {
        config->llm.backend = QStringLiteral("openai-compatible");
        config->llm.openaiCompatible.baseUrl = fake.baseUrl().toString() + QStringLiteral("/v1");
        config->llm.openaiCompatible.apiKey = QStringLiteral("sk-test");
        config->llm.models.insert(QStringLiteral("default"), QStringLiteral("fake-model"));
    }

private Q_SLOTS:
    void initTestCase() { QVERIFY(m_tmp.isValid()); }

    void projectionFirstThenOneUnitPerSchemaFile()
    {
        ProjectConfig config;
        ConnectionConfig dbt;
        QString source;
        const QString dir = makeProject(&config, &dbt, &source);
        QVERIFY(!dir.isEmpty());
        const QString conn = DemoProject::connectionId();
        const QString before = git(dir, {QStringLiteral("rev-parse"), QStringLiteral("HEAD")});

        // Backend none: the projection lands, the 30 units are planned and skipped.
        const ContextSourceIngestResult first = ContextSourceIngest::run(dir, config, dbt);
        QVERIFY2(first.status == QLatin1String("done"), qPrintable(first.detail));
        QCOMPARE(first.runStatus, QStringLiteral("landed"));
        QCOMPARE(first.modelCalls, 0);
        QCOMPARE(first.unitsRun, 0);
        QCOMPARE(first.unitsPlanned, SchemaFiles);
        const QString head = git(dir, {QStringLiteral("rev-parse"), QStringLiteral("HEAD")});
        QCOMPARE(first.commitId, head);
        QCOMPARE(git(dir, {QStringLiteral("rev-parse"), QStringLiteral("HEAD~1")}), before);
        QVERIFY(
            git(dir, {QStringLiteral("log"), QStringLiteral("-1"), QStringLiteral("--format=%s")})
                .startsWith(QStringLiteral("ingest(dbt): %1 syncId=%2 diff=+%3/")
                                .arg(first.jobId, first.syncId)
                                .arg(2 * SchemaFiles + 1)));
        QVERIFY(git(dir,
                    {QStringLiteral("show"),
                     QStringLiteral("HEAD:semantic-layer/%1/orders.yaml").arg(conn)})
                    .contains(QStringLiteral("Model 0 of the generated project.")));
        QVERIFY(QFile::exists(dir
                              + QStringLiteral("/raw-sources/gen_dbt/dbt/%1/models/g03/schema.yml")
                                    .arg(first.syncId)));

        QList<IngestEvent> events = eventsOf(dir, first.runId);
        QStringList expected;
        for (int i = 0; i < SchemaFiles; ++i)
            expected << QStringLiteral("dbt-models-g%1-schema").arg(i, 2, 10, QLatin1Char('0'));
        QCOMPARE(plannedUnits(events), expected);
        QVERIFY(std::any_of(events.cbegin(), events.cend(), [](const IngestEvent &e) {
            return e.type == IngestEvent::Type::Notice
                && e.data.value(QStringLiteral("event")).toString()
                == QLatin1String("stage_skipped");
        }));

        // The run is in the RunStore with the source's report.
        auto store = RunStore::open(dir);
        QVERIFY(store.ok());
        const auto record = (*store)->run(first.runId);
        QVERIFY(record);
        QCOMPARE(record->sourceKey, QStringLiteral("dbt"));
        QCOMPARE(record->connectionId, QStringLiteral("gen_dbt"));
        const QJsonObject report = (*store)->report(first.runId).value_or(QJsonObject());
        const QJsonObject cs = report.value(QStringLiteral("contextSource")).toObject();
        QCOMPARE(cs.value(QStringLiteral("models")).toInt(), SchemaFiles);
        QCOMPARE(cs.value(QStringLiteral("warehouseConnectionId")).toString(), conn);
        QVERIFY(cs.value(QStringLiteral("location")).toString().contains(source));
        QCOMPARE(cs.value(QStringLiteral("filesRead")).toArray().size(), 2 * SchemaFiles + 1);
        QCOMPARE(cs.value(QStringLiteral("sources")).toArray(),
                 QJsonArray({QStringLiteral("customers"), QStringLiteral("orders"),
                             QStringLiteral("payments")}));
        QVERIFY(report.contains(QStringLiteral("unitsSkipped")));
        QVERIFY(!QFile::exists(dir + QStringLiteral("/.ktx/runs/%1/run.json").arg(first.jobId)));

        // A model now: the units the skipped run left run once (same evidence).
        FakeModelServer fake;
        fake.setScript([](const FakeModelServer::Request &r, int) { return unitScript(r); });
        useModel(&config, fake);
        const ContextSourceIngestResult second = ContextSourceIngest::run(dir, config, dbt);
        QVERIFY2(second.status == QLatin1String("done"), qPrintable(second.detail));
        QCOMPARE(second.syncId, first.syncId);
        QCOMPARE(second.unitsRun, SchemaFiles);
        QCOMPARE(second.modelCalls, SchemaFiles);
        QVERIFY(second.warnings.isEmpty());
        QCOMPARE(second.commitId, git(dir, {QStringLiteral("rev-parse"), QStringLiteral("HEAD")}));
        QVERIFY(git(dir, {QStringLiteral("show"), QStringLiteral("HEAD:wiki/global/model-m-03.md")})
                    .contains(QStringLiteral("summary: What model 3 is for.")));
        // The evidence did not change: only the unit's page landed.
        QCOMPARE(git(dir,
                     {QStringLiteral("diff"), QStringLiteral("--name-only"),
                      QStringLiteral("HEAD~1"), QStringLiteral("HEAD")}),
                 QStringLiteral("wiki/global/model-m-03.md"));

        // One schema file changes: one unit, one model call.
        QVERIFY(writeFile(source + QStringLiteral("/models/g07/schema.yml"),
                          "version: 2\nmodels:\n  - name: m_07\n    description: Model seven, "
                          "renamed.\n"));
        const int requests = fake.requests().size();
        const ContextSourceIngestResult third = ContextSourceIngest::run(dir, config, dbt);
        QVERIFY2(third.status == QLatin1String("done"), qPrintable(third.detail));
        QVERIFY(third.syncId != first.syncId);
        QCOMPARE(plannedUnits(eventsOf(dir, third.runId)),
                 QStringList {QStringLiteral("dbt-models-g07-schema")});
        QCOMPARE(third.modelCalls, 1);
        QCOMPARE(fake.requests().size(), requests + 1);
        // The schema file (in a new sync folder) and the unmapped-models page
        // that quotes the model's description.
        QCOMPARE(third.modified, 2);
        QVERIFY(git(dir,
                    {QStringLiteral("diff"), QStringLiteral("--name-only"),
                     QStringLiteral("HEAD~1"), QStringLiteral("HEAD")})
                    .split(QLatin1Char('\n'))
                    .contains(QStringLiteral("wiki/global/dbt-gen-unmapped-models.md")));
        QCOMPARE(QDir(dir + QStringLiteral("/raw-sources/gen_dbt/dbt"))
                     .entryList(QDir::Dirs | QDir::NoDotAndDotDot),
                 QStringList {third.syncId});
        const QJsonObject thirdReport = (*store)->report(third.runId).value_or(QJsonObject());
        const QJsonObject diff = thirdReport.value(QStringLiteral("diffSummary")).toObject();
        QCOMPARE(diff.value(QStringLiteral("modified")).toInt(), 1);
        QCOMPARE(diff.value(QStringLiteral("unchanged")).toInt(), 2 * SchemaFiles);

        // Nothing changed: no commit, no model call.
        const QString landed = git(dir, {QStringLiteral("rev-parse"), QStringLiteral("HEAD")});
        const ContextSourceIngestResult fourth = ContextSourceIngest::run(dir, config, dbt);
        QCOMPARE(fourth.status, QStringLiteral("done"));
        QVERIFY(fourth.unchanged);
        QCOMPARE(fourth.modelCalls, 0);
        QCOMPARE(fourth.commitId, QString());
        QCOMPARE(fake.requests().size(), requests + 1);
        QCOMPARE(git(dir, {QStringLiteral("rev-parse"), QStringLiteral("HEAD")}), landed);
        QCOMPARE(git(dir, {QStringLiteral("status"), QStringLiteral("--porcelain")}), QString());
    }

    void reviewModeLeavesAPendingRunWithProjectionProvenance()
    {
        ProjectConfig config;
        ConnectionConfig dbt;
        QString source;
        const QString dir = makeProject(&config, &dbt, &source);
        QVERIFY(!dir.isEmpty());
        config.review.mode = QStringLiteral("review");
        const QString before = git(dir, {QStringLiteral("rev-parse"), QStringLiteral("HEAD")});
        const ContextSourceIngestResult r = ContextSourceIngest::run(dir, config, dbt);
        QVERIFY2(r.status == QLatin1String("done"), qPrintable(r.detail));
        QCOMPARE(r.runStatus, QStringLiteral("pending_review"));
        QCOMPARE(r.branch, IngestRun::runBranch(r.runId));
        QCOMPARE(r.commitId, QString());
        QVERIFY(!r.unchanged);
        QCOMPARE(git(dir, {QStringLiteral("rev-parse"), QStringLiteral("HEAD")}), before);
        QVERIFY(!QFile::exists(dir + QStringLiteral("/raw-sources/gen_dbt")));

        auto review = RunReview::load(dir, r.runId);
        QVERIFY2(review.ok(), review.ok() ? "" : qPrintable(review.error().message));
        const QString orders
            = QStringLiteral("semantic-layer/%1/orders.yaml").arg(DemoProject::connectionId());
        bool sawOrders = false;
        for (const ReviewFile &file : review->files()) {
            if (file.diff.path != orders)
                continue;
            sawOrders = true;
            QVERIFY(!file.hunks.isEmpty());
            for (const ReviewHunk &hunk : file.hunks) {
                QCOMPARE(hunk.provenance.unitKey, QStringLiteral("projection:dbt"));
                QCOMPARE(hunk.provenance.tool, QStringLiteral("projection"));
                QVERIFY2(hunk.provenance.rawPaths.contains(
                             QStringLiteral("raw-sources/gen_dbt/dbt/%1/models/g00/schema.yml")
                                 .arg(r.syncId)),
                         qPrintable(hunk.provenance.rawPaths.join(QLatin1Char(' '))));
            }
        }
        QVERIFY(sawOrders);
        QVERIFY(
            git(dir,
                {QStringLiteral("branch"), QStringLiteral("--list"), QStringLiteral("ktx/runs/*")})
                .contains(r.runId));
    }

    // The LookML connection's own keys reach the parser: a model on another
    // Looker connection than mappings.expectedLookerConnectionName writes no
    // semantic source, the matching name does.
    void lookmlConnectionCheckReachesTheParser()
    {
        ProjectConfig config;
        ConnectionConfig unused;
        QString unusedSource;
        const QString dir = makeProject(&config, &unused, &unusedSource);
        QVERIFY(!dir.isEmpty());
        const QString source = m_tmp.filePath(QStringLiteral("lookml%1").arg(m_counter));
        QVERIFY(QDir().mkpath(source));
        const auto write = [&](const QString &name, const QByteArray &text) {
            QFile f(source + QLatin1Char('/') + name);
            QVERIFY(f.open(QIODevice::WriteOnly));
            f.write(text);
        };
        write(QStringLiteral("shop.model.lkml"),
              "connection: \"analytics\"\ninclude: \"*.view.lkml\"\nexplore: orders {}\n");
        write(QStringLiteral("orders.view.lkml"),
              "view: orders {\n  sql_table_name: main.orders ;;\n"
              "  measure: lookml_order_count {\n    type: count\n  }\n}\n");
        ConnectionConfig lookml;
        lookml.id = QStringLiteral("shop_looker");
        lookml.driver = QStringLiteral("lookml");
        lookml.fields.insert(QStringLiteral("source_dir"), source);
        lookml.fields.insert(QStringLiteral("warehouse"), DemoProject::connectionId());
        lookml.fields.insert(QStringLiteral("mappings"),
                             QVariantMap {{QStringLiteral("expectedLookerConnectionName"),
                                           QStringLiteral("warehouse_prod")}});
        config.connections << lookml;
        const QString orders
            = QStringLiteral("semantic-layer/%1/orders.yaml").arg(DemoProject::connectionId());

        const ContextSourceIngestResult blocked = ContextSourceIngest::run(dir, config, lookml);
        QVERIFY2(blocked.status == QLatin1String("done"), qPrintable(blocked.detail));
        QVERIFY(blocked.report.sources.isEmpty());
        QVERIFY(!git(dir, {QStringLiteral("show"), QStringLiteral("HEAD:") + orders})
                     .contains(QLatin1String("lookml_order_count")));
        bool named = false;
        for (const SkippedItem &item : blocked.report.skipped)
            named = named || item.reason.contains(QLatin1String("warehouse_prod"));
        QVERIFY(named);

        lookml.fields.insert(QStringLiteral("mappings"),
                             QVariantMap {{QStringLiteral("expectedLookerConnectionName"),
                                           QStringLiteral("analytics")}});
        config.connections.last() = lookml;
        const ContextSourceIngestResult allowed = ContextSourceIngest::run(dir, config, lookml);
        QVERIFY2(allowed.status == QLatin1String("done"), qPrintable(allowed.detail));
        QVERIFY2(allowed.report.sources.contains(QStringLiteral("orders")),
                 QJsonDocument(allowed.toJson()).toJson().constData());
        QVERIFY(git(dir, {QStringLiteral("show"), QStringLiteral("HEAD:") + orders})
                    .contains(QLatin1String("lookml_order_count")));
    }

    void metricFlowPlansConnectedComponents()
    {
        QMap<QString, QByteArray> files;
        files.insert(QStringLiteral("models/orders.yml"),
                     "semantic_models:\n  - name: orders\n    entities:\n      - name: order\n"
                     "        type: primary\n      - name: customer\n        type: foreign\n"
                     "    measures:\n      - name: order_total\n        agg: sum\n");
        files.insert(
            QStringLiteral("models/customers.yml"),
            "semantic_models:\n  - name: customers\n    entities:\n      - name: customer\n"
            "        type: primary\n");
        files.insert(QStringLiteral("models/products.yml"),
                     "semantic_models:\n  - name: products\n    entities:\n      - name: product\n"
                     "        type: primary\n");
        files.insert(QStringLiteral("metrics/revenue.yml"),
                     "metrics:\n  - name: revenue\n    type: simple\n    type_params:\n"
                     "      measure: order_total\n");
        const QList<WorkUnit> all
            = ContextSourceAdapter::planMetricFlow(files, QStringLiteral("s"), files.keys());
        QCOMPARE(all.size(), 2);
        QCOMPARE(all.at(0).unitKey, QStringLiteral("metricflow-customers"));
        QCOMPARE(all.at(0).rawFiles,
                 QStringList({QStringLiteral("s/metrics/revenue.yml"),
                              QStringLiteral("s/models/customers.yml"),
                              QStringLiteral("s/models/orders.yml")}));
        QCOMPARE(all.at(1).unitKey, QStringLiteral("metricflow-products"));
        const QList<WorkUnit> changed = ContextSourceAdapter::planMetricFlow(
            files, QStringLiteral("s"), {QStringLiteral("models/products.yml")});
        QCOMPARE(changed.size(), 1);
        QCOMPARE(changed.at(0).unitKey, QStringLiteral("metricflow-products"));
    }

    void lookmlPlansModelsAndOrphanViews()
    {
        QMap<QString, QByteArray> files;
        files.insert(QStringLiteral("shop.model.lkml"),
                     "connection: \"wh\"\ninclude: \"/views/*.view.lkml\"\n"
                     "explore: orders {\n  join: buyers {\n    from: users\n    relationship: "
                     "many_to_one\n    sql_on: ${orders.user_id} = ${buyers.id} ;;\n  }\n}\n");
        files.insert(QStringLiteral("views/orders.view.lkml"),
                     "view: orders {\n  extends: [base]\n  sql_table_name: main.orders ;;\n}\n");
        files.insert(QStringLiteral("views/base.view.lkml"),
                     "view: base {\n  dimension: id {\n    sql: ${TABLE}.id ;;\n  }\n}\n");
        files.insert(QStringLiteral("views/users.view.lkml"),
                     "view: users {\n  sql_table_name: users ;;\n}\n");
        files.insert(QStringLiteral("views/legacy.view.lkml"),
                     "view: legacy {\n  sql_table_name: legacy ;;\n}\n");
        const QList<WorkUnit> units
            = ContextSourceAdapter::planLookml(files, QStringLiteral("s"), files.keys());
        QCOMPARE(units.size(), 2);
        QCOMPARE(units.at(0).unitKey, QStringLiteral("lookml-model-shop"));
        QCOMPARE(units.at(0).rawFiles,
                 QStringList({QStringLiteral("s/shop.model.lkml"),
                              QStringLiteral("s/views/base.view.lkml"),
                              QStringLiteral("s/views/orders.view.lkml"),
                              QStringLiteral("s/views/users.view.lkml")}));
        QCOMPARE(units.at(1).unitKey, QStringLiteral("lookml-orphan-views"));
        QCOMPARE(units.at(1).rawFiles, QStringList {QStringLiteral("s/views/legacy.view.lkml")});
        QVERIFY(ContextSourceAdapter::planLookml(files, QStringLiteral("s"),
                                                 {QStringLiteral("views/users.view.lkml")})
                    .size()
                == 1);
    }
};

QTEST_GUILESS_MAIN(TestContextSourcePipeline)
#include "tst_contextsourcepipeline.moc"
