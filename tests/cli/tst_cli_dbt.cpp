// `ktx ingest <dbt>` end to end: a SQLite warehouse whose tables the dbt
// project in tests/data/dbt/shop builds, a structural ingest, then the dbt
// source (folder and git URL): sources whose grain, constraints, enums and
// joins match the dbt tests, one commit, a second run that changes nothing,
// with a model one work unit whose page lands (and no call the second time),
// and a clear error for a bad URL.
#include "fakemodelserver.h"
#include "ingest/contextsourcecheckout.h"
#include "project/projectconfig.h"
#include "semantic/sourceloader.h"
#include "semantic/sourcevalidator.h"

#include <QDir>
#include <QDirIterator>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QRegularExpression>
#include <QSqlDatabase>
#include <QSqlError>
#include <QSqlQuery>
#include <QTemporaryDir>
#include <QTest>
#include <QUrl>

using namespace ktx;

namespace {

struct Run
{
    int exitCode = -1;
    QByteArray out;
    QByteArray err;

    QJsonObject result(const QString &connectionId) const
    {
        const QJsonArray results
            = QJsonDocument::fromJson(out).object().value(QStringLiteral("results")).toArray();
        for (const QJsonValue &r : results)
            if (r.toObject().value(QStringLiteral("connectionId")).toString() == connectionId)
                return r.toObject();
        return {};
    }
};

Run runKtx(const QStringList &args)
{
    QProcess p;
    p.start(qEnvironmentVariable("KTX_CLI"), args);
    p.waitForFinished(180000);
    return {p.exitCode(), p.readAllStandardOutput(), p.readAllStandardError()};
}

std::pair<int, QString> git(const QString &dir, const QStringList &args)
{
    QProcess p;
    p.setWorkingDirectory(dir);
    p.start(QStringLiteral("git"),
            QStringList {QStringLiteral("-c"), QStringLiteral("user.name=t"), QStringLiteral("-c"),
                         QStringLiteral("user.email=t@t")}
                + args);
    p.waitForFinished(60000);
    return {p.exitCode(),
            QString::fromUtf8(p.readAllStandardOutput() + p.readAllStandardError()).trimmed()};
}

QString head(const QString &dir)
{
    return git(dir, {QStringLiteral("rev-parse"), QStringLiteral("HEAD")}).second;
}

bool copyTree(const QString &from, const QString &to)
{
    QProcess cp;
    cp.start(QStringLiteral("cp"), {QStringLiteral("-a"), from, to});
    cp.waitForFinished(60000);
    return cp.exitCode() == 0;
}

// The tables the shop models and sources build, as a warehouse would hold them.
bool createWarehouse(const QString &path)
{
    bool ok = true;
    {
        QSqlDatabase db
            = QSqlDatabase::addDatabase(QStringLiteral("QSQLITE"), QStringLiteral("wh"));
        db.setDatabaseName(path);
        ok = db.open();
        const char *statements[] = {
            "create table raw_customers (id integer primary key, first_name text, last_name text, "
            "_loaded_at text)",
            "create table raw_orders (id integer primary key, user_id integer, order_date text, "
            "status text, _loaded_at text)",
            "create table raw_payments (id integer primary key, order_id integer, payment_method "
            "text, amount integer, _loaded_at text)",
            "create table stg_customers (customer_id integer, first_name text, last_name text)",
            "create table stg_orders (order_id integer, customer_id integer, order_date text, "
            "status text)",
            "create table stg_payments (payment_id integer, order_id integer, payment_method text, "
            "amount real)",
            "create table customers (customer_id integer primary key, first_name text, last_name "
            "text, first_order text, most_recent_order text, number_of_orders integer)",
            "create table orders (order_id integer primary key, customer_id integer references "
            "customers (customer_id), order_date text, status text, amount real)",
            "insert into customers values (1, 'Ann', 'Lee', '2024-01-02', '2024-03-01', 2)",
            "insert into orders values (1, 1, '2024-01-02', 'completed', 10.5), "
            "(2, 1, '2024-03-01', 'placed', 3.0)"};
        for (const char *sql : statements) {
            QSqlQuery q(db);
            if (!q.exec(QString::fromLatin1(sql))) {
                qWarning() << q.lastError().text();
                ok = false;
            }
        }
        db.close();
    }
    QSqlDatabase::removeDatabase(QStringLiteral("wh"));
    return ok;
}

void addConnection(const QString &project, const QString &yaml)
{
    QFile f(project + QStringLiteral("/ktx.yaml"));
    QVERIFY(f.open(QIODevice::ReadOnly));
    QByteArray text = f.readAll();
    f.close();
    const qsizetype at = text.indexOf("connections:\n");
    QVERIFY(at >= 0);
    text.insert(at + qsizetype(qstrlen("connections:\n")), yaml.toUtf8());
    QVERIFY(f.open(QIODevice::WriteOnly | QIODevice::Truncate));
    f.write(text);
    f.close();
    QCOMPARE(git(project,
                 {QStringLiteral("commit"), QStringLiteral("-qam"),
                  QStringLiteral("add a context source")})
                 .first,
             0);
}

QString dbtConnection(const QString &id, const QString &location)
{
    return QStringLiteral("  %1:\n    driver: dbt\n%2    warehouse: warehouse\n").arg(id, location);
}

} // namespace

class TestCliDbt : public QObject
{
    Q_OBJECT

    QTemporaryDir m_tmp;
    QString m_template;
    const QString m_shop = QStringLiteral(KTX_DBT_TESTDATA "/shop");

    QString copyTemplate(const QString &name)
    {
        const QString dir = m_tmp.filePath(name);
        return copyTree(m_template, dir) ? dir : QString();
    }

private Q_SLOTS:
    void initTestCase()
    {
        QVERIFY(m_tmp.isValid());
        const QString db = m_tmp.filePath(QStringLiteral("shop.sqlite"));
        QVERIFY(createWarehouse(db));
        m_template = m_tmp.filePath(QStringLiteral("template"));
        const Run setup
            = runKtx({QStringLiteral("--project-dir"), m_template, QStringLiteral("setup"),
                      QStringLiteral("--no-input"), QStringLiteral("--database"),
                      QStringLiteral("sqlite"), QStringLiteral("--database-url"), db});
        QVERIFY2(setup.exitCode == 0, setup.err.constData());
        const Run scan = runKtx({QStringLiteral("--project-dir"), m_template,
                                 QStringLiteral("ingest"), QStringLiteral("warehouse")});
        QVERIFY2(scan.exitCode == 0, scan.err.constData());
        QVERIFY(git(m_template, {QStringLiteral("status"), QStringLiteral("--porcelain")})
                    .second.isEmpty());
    }

    void ingestFolderThenNothingChanges()
    {
        const QString project = copyTemplate(QStringLiteral("folder"));
        QVERIFY(!project.isEmpty());
        QTemporaryDir source;
        QVERIFY(copyTree(m_shop, source.filePath(QStringLiteral("shop"))));
        const QString shop = source.filePath(QStringLiteral("shop"));
        addConnection(project,
                      dbtConnection(QStringLiteral("shop_dbt"),
                                    QStringLiteral("    source_dir: %1\n").arg(shop)));
        const QString before = head(project);

        const Run first
            = runKtx({QStringLiteral("--project-dir"), project, QStringLiteral("ingest"),
                      QStringLiteral("--all"), QStringLiteral("--json")});
        QVERIFY2(first.exitCode == 0, first.err.constData());
        const QJsonObject r = first.result(QStringLiteral("shop_dbt"));
        QCOMPARE(r.value(QStringLiteral("status")).toString(), QStringLiteral("done"));
        QCOMPARE(r.value(QStringLiteral("modelCalls")).toInt(), 0);
        const QJsonObject report = r.value(QStringLiteral("report")).toObject();
        QCOMPARE(report.value(QStringLiteral("models")).toInt(), 6);
        QCOMPARE(report.value(QStringLiteral("sourceTables")).toInt(), 3);
        QCOMPARE(report.value(QStringLiteral("sources")).toArray().size(), 8);
        QCOMPARE(report.value(QStringLiteral("joins")).toInt(), 2);
        QCOMPARE(report.value(QStringLiteral("errors")).toArray().size(), 0);
        const QString commit = r.value(QStringLiteral("commitId")).toString();
        QVERIFY(!commit.isEmpty());
        QCOMPARE(head(project), commit);
        QVERIFY(head(project) != before);
        QVERIFY(git(project,
                    {QStringLiteral("log"), QStringLiteral("-1"), QStringLiteral("--format=%s")})
                    .second.startsWith(QStringLiteral("ingest(dbt): ")));
        // One commit for evidence + semantic layer + wiki.
        const QString changed = git(project,
                                    {QStringLiteral("show"), QStringLiteral("--name-only"),
                                     QStringLiteral("--format="), commit})
                                    .second;
        const QString syncId = r.value(QStringLiteral("syncId")).toString();
        QVERIFY(changed.contains(
            QStringLiteral("raw-sources/shop_dbt/dbt/%1/models/marts/schema.yml").arg(syncId)));
        QVERIFY(changed.contains(
            QStringLiteral("raw-sources/shop_dbt/dbt/%1/target/manifest.json").arg(syncId)));
        QVERIFY(changed.contains(QStringLiteral("semantic-layer/warehouse/orders.yaml")));
        QVERIFY(changed.contains(QStringLiteral("wiki/global/dbt-shop-unmapped-models.md")));

        // The sources carry what the dbt tests say.
        const auto set
            = SourceLoader::loadDirectory(project + QStringLiteral("/semantic-layer/warehouse"));
        QCOMPARE(set.errorCount(), 0);
        for (const SourceIssue &i : SourceValidator::validate(set.sources))
            QVERIFY2(i.severity != SourceIssue::Severity::Error, qPrintable(i.message));
        const SemanticSource *orders = set.find(QStringLiteral("orders"));
        QVERIFY(orders);
        QCOMPARE(orders->grain, QStringList {QStringLiteral("order_id")});
        QCOMPARE(orders->descriptions.value(QStringLiteral("dbt")),
                 QStringLiteral("One row per order, with its total payment amount."));
        const auto dbtOf = [](const SourceColumn *c, const char *key) {
            return c->extra.value(QLatin1String(key)).toObject().value(QStringLiteral("dbt"));
        };
        QCOMPARE(dbtOf(orders->column(QStringLiteral("order_id")), "constraints")
                     .toObject()
                     .value(QStringLiteral("unique"))
                     .toString(),
                 QStringLiteral("true"));
        QCOMPARE(dbtOf(orders->column(QStringLiteral("customer_id")), "constraints")
                     .toObject()
                     .value(QStringLiteral("not_null"))
                     .toString(),
                 QStringLiteral("true"));
        QVERIFY(!dbtOf(orders->column(QStringLiteral("customer_id")), "constraints")
                     .toObject()
                     .contains(QStringLiteral("unique")));
        QCOMPARE(dbtOf(orders->column(QStringLiteral("status")), "enum_values").toArray(),
                 QJsonArray({QStringLiteral("placed"), QStringLiteral("shipped"),
                             QStringLiteral("completed"), QStringLiteral("return_pending"),
                             QStringLiteral("returned")}));
        QCOMPARE(orders->joins.size(), 1);
        QCOMPARE(orders->joins.first().to, QStringLiteral("customers"));
        QCOMPARE(orders->joins.first().relationship, QStringLiteral("many_to_one"));
        const SemanticSource *stgOrders = set.find(QStringLiteral("stg_orders"));
        QCOMPARE(stgOrders->grain, QStringList {QStringLiteral("order_id")}); // was every column
        QCOMPARE(stgOrders->joins.size(), 1);
        QCOMPARE(stgOrders->joins.first().to, QStringLiteral("stg_customers"));
        QCOMPARE(stgOrders->joins.first().on,
                 QStringLiteral("customer_id = stg_customers.customer_id"));
        QVERIFY(set.find(QStringLiteral("raw_orders"))
                    ->extra.value(QStringLiteral("freshness"))
                    .toObject()
                    .contains(QStringLiteral("dbt")));

        // Second run: nothing changed, nothing committed.
        const Run second
            = runKtx({QStringLiteral("--project-dir"), project, QStringLiteral("ingest"),
                      QStringLiteral("shop_dbt"), QStringLiteral("--json")});
        QVERIFY2(second.exitCode == 0, second.err.constData());
        const QJsonObject again = second.result(QStringLiteral("shop_dbt"));
        QCOMPARE(again.value(QStringLiteral("unchanged")).toBool(), true);
        QCOMPARE(again.value(QStringLiteral("commitId")).toString(), QString());
        QCOMPARE(again.value(QStringLiteral("syncId")).toString(), syncId);
        QCOMPARE(head(project), commit);
        const Run text = runKtx({QStringLiteral("--project-dir"), project, QStringLiteral("ingest"),
                                 QStringLiteral("shop_dbt")});
        QVERIFY(text.out.contains("unchanged"));
        QCOMPARE(head(project), commit);

        // An edited description: a new sync replaces the old one in one commit.
        QFile schema(shop + QStringLiteral("/models/marts/schema.yml"));
        QVERIFY(schema.open(QIODevice::ReadWrite));
        QByteArray yaml = schema.readAll();
        yaml.replace("One row per order, with its total payment amount.",
                     "One row per order and its paid total.");
        schema.resize(0);
        schema.write(yaml);
        schema.close();
        const Run third
            = runKtx({QStringLiteral("--project-dir"), project, QStringLiteral("ingest"),
                      QStringLiteral("shop_dbt"), QStringLiteral("--json")});
        const QJsonObject changedRun = third.result(QStringLiteral("shop_dbt"));
        QCOMPARE(changedRun.value(QStringLiteral("status")).toString(), QStringLiteral("done"));
        const QString newSync = changedRun.value(QStringLiteral("syncId")).toString();
        QVERIFY(newSync != syncId);
        QCOMPARE(QDir(project + QStringLiteral("/raw-sources/shop_dbt/dbt"))
                     .entryList(QDir::Dirs | QDir::NoDotAndDotDot),
                 QStringList {newSync});
        QVERIFY(git(project,
                    {QStringLiteral("show"),
                     QStringLiteral("HEAD:semantic-layer/warehouse/orders.yaml")})
                    .second.contains(QStringLiteral("One row per order and its paid total.")));

        QCOMPARE(git(project, {QStringLiteral("status"), QStringLiteral("--porcelain")}).second,
                 QString());
        const auto fsck = git(project, {QStringLiteral("fsck"), QStringLiteral("--strict")});
        QCOMPARE(fsck.first, 0);
    }

    void gitUrlAndUnreachableUrl()
    {
        const QString project = copyTemplate(QStringLiteral("git"));
        QVERIFY(!project.isEmpty());
        // A repository holding the dbt project under dbt/, on branch main.
        const QString repo = m_tmp.filePath(QStringLiteral("dbt-repo"));
        QVERIFY(QDir().mkpath(repo));
        QVERIFY(copyTree(m_shop, repo + QStringLiteral("/dbt")));
        QCOMPARE(git(repo,
                     {QStringLiteral("init"), QStringLiteral("-q"), QStringLiteral("-b"),
                      QStringLiteral("main")})
                     .first,
                 0);
        git(repo, {QStringLiteral("add"), QStringLiteral("-A")});
        QCOMPARE(git(repo, {QStringLiteral("commit"), QStringLiteral("-qm"), QStringLiteral("dbt")})
                     .first,
                 0);
        addConnection(
            project,
            dbtConnection(QStringLiteral("shop_git"),
                          QStringLiteral("    repo_url: file://%1\n    branch: main\n"
                                         "    path: dbt\n")
                              .arg(repo))
                + dbtConnection(
                    QStringLiteral("gone"),
                    QStringLiteral("    repo_url: file://%1/missing\n").arg(m_tmp.path())));

        const Run ok = runKtx({QStringLiteral("--project-dir"), project, QStringLiteral("ingest"),
                               QStringLiteral("shop_git"), QStringLiteral("--json")});
        QVERIFY2(ok.exitCode == 0, ok.out.constData());
        const QJsonObject r = ok.result(QStringLiteral("shop_git"));
        QCOMPARE(r.value(QStringLiteral("status")).toString(), QStringLiteral("done"));
        QCOMPARE(
            r.value(QStringLiteral("report")).toObject().value(QStringLiteral("models")).toInt(),
            6);
        QVERIFY(r.value(QStringLiteral("source")).toString().contains(QStringLiteral("@ main")));
        QVERIFY(QFile::exists(
            project + QStringLiteral("/.ktx/cache/sources/shop_git/dbt/dbt_project.yml")));
        const QString landed = head(project);
        const Run again
            = runKtx({QStringLiteral("--project-dir"), project, QStringLiteral("ingest"),
                      QStringLiteral("shop_git"), QStringLiteral("--json")});
        QCOMPARE(
            again.result(QStringLiteral("shop_git")).value(QStringLiteral("unchanged")).toBool(),
            true);
        QCOMPARE(head(project), landed);

        const Run bad = runKtx({QStringLiteral("--project-dir"), project, QStringLiteral("ingest"),
                                QStringLiteral("gone"), QStringLiteral("--json")});
        QVERIFY(bad.exitCode != 0);
        const QJsonObject failure = bad.result(QStringLiteral("gone"));
        QCOMPARE(failure.value(QStringLiteral("status")).toString(), QStringLiteral("failed"));
        QCOMPARE(failure.value(QStringLiteral("code")).toString(),
                 QStringLiteral("source_unreachable"));
        QVERIFY(
            failure.value(QStringLiteral("detail")).toString().contains(QStringLiteral("missing")));
        QVERIFY(!QFile::exists(project + QStringLiteral("/.ktx/cache/sources/gone")));
        QCOMPARE(head(project), landed); // nothing half-written
        QCOMPARE(git(project, {QStringLiteral("status"), QStringLiteral("--porcelain")}).second,
                 QString());
    }

    // Each driver names its location as the reference does (LookML `repoUrl`,
    // MetricFlow a nested `metricflow.repoUrl` with its own `path`); a file://
    // URL of a plain folder, which the setup wizard writes, is read in place.
    void locationKeysOfEveryDriver()
    {
        QTemporaryDir project;
        ktx::ConnectionConfig lookml;
        lookml.id = QStringLiteral("looker_models");
        lookml.driver = QStringLiteral("lookml");
        lookml.fields.insert(QStringLiteral("repoUrl"), QUrl::fromLocalFile(m_shop).toString());
        auto a = ktx::ContextSourceCheckout::acquire(project.path(), lookml);
        QVERIFY2(a.ok(), a.ok() ? "" : qPrintable(a.error().message));
        QCOMPARE(a->rootDir, QDir::cleanPath(m_shop));
        QVERIFY(!QFile::exists(ktx::ContextSourceCheckout::cacheDir(project.path(), lookml.id)));

        ktx::ConnectionConfig metricflow;
        metricflow.id = QStringLiteral("metrics");
        metricflow.driver = QStringLiteral("metricflow");
        metricflow.fields.insert(
            QStringLiteral("metricflow"),
            QVariantMap {{QStringLiteral("repoUrl"), QUrl::fromLocalFile(m_shop).toString()},
                         {QStringLiteral("path"), QStringLiteral("models")}});
        auto b = ktx::ContextSourceCheckout::acquire(project.path(), metricflow);
        QVERIFY2(b.ok(), b.ok() ? "" : qPrintable(b.error().message));
        QCOMPARE(b->rootDir, QDir::cleanPath(m_shop + QStringLiteral("/models")));

        ktx::ConnectionConfig nowhere;
        nowhere.id = QStringLiteral("nowhere");
        nowhere.driver = QStringLiteral("lookml");
        auto c = ktx::ContextSourceCheckout::acquire(project.path(), nowhere);
        QVERIFY(!c.ok());
        QCOMPARE(c.error().code, QStringLiteral("source_location_missing"));
    }

    // With a model configured, the deterministic extraction lands as with
    // backend none and the model works one unit (the shop has 3 properties
    // files: one unit for the project); a second run makes no model call.
    void modelConfiguredRunsUnitsOnce()
    {
        const QString project = copyTemplate(QStringLiteral("model"));
        QVERIFY(!project.isEmpty());
        ktx::test::FakeModelServer fake;
        fake.setScript([](const ktx::test::FakeModelServer::Request &r, int) {
            using Reply = ktx::test::FakeModelServer::Reply;
            if (r.rawBody.contains("## Changes of this run"))
                return Reply::say(QStringLiteral("nothing to reconcile"));
            static const QRegularExpression schema(
                QStringLiteral("raw-sources/shop_dbt/dbt/[^\\\\\"]+/models/marts/schema\\.yml"));
            const QString raw = schema.match(QString::fromUtf8(r.rawBody)).captured(0);
            const QList<Reply> steps {
                Reply::call(QStringLiteral("record_verification_ledger"),
                            {{QStringLiteral("summary"), QStringLiteral("read the marts")},
                             {QStringLiteral("verifiedIdentifiers"),
                              QJsonArray {QStringLiteral("orders.status")}}}),
                Reply::call(QStringLiteral("wiki_write"),
                            {{QStringLiteral("key"), QStringLiteral("shop-order-lifecycle")},
                             {QStringLiteral("content"),
                              QStringLiteral("---\nsummary: How a shop order moves through its "
                                             "statuses.\nsl_refs:\n  - orders\n---\n\n# Order "
                                             "lifecycle\n\nplaced, shipped, completed; returns go "
                                             "return_pending then returned.\n")},
                             {QStringLiteral("rawPaths"), QJsonArray {raw}}})};
            const int at = r.toolResultCount();
            return at < steps.size() ? steps.at(at) : Reply::say(QStringLiteral("done"));
        });
        const Run setup
            = runKtx({QStringLiteral("--project-dir"), project, QStringLiteral("setup"),
                      QStringLiteral("--no-input"), QStringLiteral("--llm-backend"),
                      QStringLiteral("openai-compatible"), QStringLiteral("--llm-base-url"),
                      fake.baseUrl().toString() + QStringLiteral("/v1"),
                      QStringLiteral("--llm-model"), QStringLiteral("qwen-test")});
        QVERIFY2(setup.exitCode == 0, setup.err.constData());
        git(project, {QStringLiteral("commit"), QStringLiteral("-qam"), QStringLiteral("model")});
        addConnection(project,
                      dbtConnection(QStringLiteral("shop_dbt"),
                                    QStringLiteral("    source_dir: %1\n").arg(m_shop)));
        const Run run = runKtx({QStringLiteral("--project-dir"), project, QStringLiteral("ingest"),
                                QStringLiteral("shop_dbt"), QStringLiteral("--json")});
        QVERIFY2(run.exitCode == 0, run.out.constData());
        const QJsonObject r = run.result(QStringLiteral("shop_dbt"));
        QCOMPARE(r.value(QStringLiteral("status")).toString(), QStringLiteral("done"));
        QCOMPARE(r.value(QStringLiteral("unitsRun")).toInt(), 1);
        QCOMPARE(r.value(QStringLiteral("modelCalls")).toInt(), 1);
        QVERIFY(fake.requests().size() >= 3);
        QVERIFY(!r.value(QStringLiteral("runId")).toString().isEmpty());
        const QString commit = r.value(QStringLiteral("commitId")).toString();
        QCOMPARE(head(project), commit);
        // What the unit wrote landed in the same commit as the extraction.
        const QString page = git(project,
                                 {QStringLiteral("show"),
                                  commit + QStringLiteral(":wiki/global/shop-order-lifecycle.md")})
                                 .second;
        QVERIFY2(page.contains(QStringLiteral("summary: How a shop order moves")),
                 qPrintable(page));
        QVERIFY(page.contains(QStringLiteral("- orders")));
        // The extraction is the same bytes as with backend none (ingestFolderThenNothingChanges).
        const QString reference = m_tmp.filePath(QStringLiteral("folder"));
        QFile a(reference + QStringLiteral("/semantic-layer/warehouse/stg_orders.yaml"));
        QFile b(project + QStringLiteral("/semantic-layer/warehouse/stg_orders.yaml"));
        QVERIFY(a.open(QIODevice::ReadOnly) && b.open(QIODevice::ReadOnly));
        QCOMPARE(b.readAll(), a.readAll());

        // Same evidence: no model call, no commit.
        const int requests = fake.requests().size();
        const Run again
            = runKtx({QStringLiteral("--project-dir"), project, QStringLiteral("ingest"),
                      QStringLiteral("shop_dbt"), QStringLiteral("--json")});
        QVERIFY2(again.exitCode == 0, again.out.constData());
        const QJsonObject second = again.result(QStringLiteral("shop_dbt"));
        QCOMPARE(second.value(QStringLiteral("unchanged")).toBool(), true);
        QCOMPARE(second.value(QStringLiteral("modelCalls")).toInt(), 0);
        QCOMPARE(fake.requests().size(), requests);
        QCOMPARE(head(project), commit);
        QCOMPARE(git(project, {QStringLiteral("status"), QStringLiteral("--porcelain")}).second,
                 QString());
    }
};

QTEST_GUILESS_MAIN(TestCliDbt)
#include "tst_cli_dbt.moc"
