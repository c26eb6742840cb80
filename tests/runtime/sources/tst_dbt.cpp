// The dbt context source: reading a project (tests/data/dbt/shop) with its bad
// inputs, and the deterministic mapping onto a warehouse's semantic layer,
// compared as whole files with tests/data/dbt/shop-warehouse/expected.
#include "semantic/sourceloader.h"
#include "semantic/sourcevalidator.h"
#include "sources/contextsource.h"
#include "sources/dbtproject.h"
#include "sources/dbtsourceparser.h"
#include "wiki/wikipage.h"

#include <QDir>
#include <QDirIterator>
#include <QFile>
#include <QFileInfo>
#include <QJsonArray>
#include <QTemporaryDir>
#include <QTest>

using namespace ktx;

namespace {

const QString kData = QStringLiteral(KTX_SOURCES_TESTDATA "/dbt");
const QString kLayer = QStringLiteral("semantic-layer/warehouse/");

QByteArray readFile(const QString &path)
{
    QFile f(path);
    return f.open(QIODevice::ReadOnly) ? f.readAll() : QByteArray();
}

void writeFile(const QString &path, const QByteArray &bytes)
{
    QDir().mkpath(QFileInfo(path).path());
    QFile f(path);
    QVERIFY2(f.open(QIODevice::WriteOnly), qPrintable(path));
    f.write(bytes);
}

// Files below `dir` by path relative to it, optionally prefixed.
QMap<QString, QByteArray> readTree(const QString &dir, const QString &prefix = {})
{
    QMap<QString, QByteArray> files;
    QDirIterator it(dir, QDir::Files, QDirIterator::Subdirectories);
    while (it.hasNext()) {
        const QString path = it.next();
        files.insert(prefix + QDir(dir).relativeFilePath(path), readFile(path));
    }
    return files;
}

void copyTree(const QString &from, const QString &to, const QStringList &skipPrefixes = {})
{
    const auto files = readTree(from);
    for (auto it = files.cbegin(); it != files.cend(); ++it) {
        if (std::any_of(skipPrefixes.cbegin(), skipPrefixes.cend(),
                        [&](const QString &p) { return it.key().startsWith(p); }))
            continue;
        writeFile(to + QLatin1Char('/') + it.key(), it.value());
    }
}

bool hasSkipped(const ContextSourceReport &r, const QString &item, const QString &reasonPart = {})
{
    return std::any_of(r.skipped.cbegin(), r.skipped.cend(), [&](const SkippedItem &s) {
        return s.item == item && s.reason.contains(reasonPart);
    });
}

ContextSourceInput shopInput(const QString &root)
{
    ContextSourceInput input;
    input.rootDir = root;
    input.connectionId = QStringLiteral("shop_dbt");
    input.warehouseConnectionId = QStringLiteral("warehouse");
    input.baseFiles = readTree(kData + QStringLiteral("/shop-warehouse/base"), kLayer);
    return input;
}

} // namespace

class TestDbt : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void registryKnowsDbt()
    {
        QVERIFY(contextSourceDrivers().contains(QStringLiteral("dbt")));
        const auto parser = contextSourceParser(QStringLiteral("dbt"));
        QVERIFY(parser);
        QCOMPARE(parser->driver(), QStringLiteral("dbt"));
    }

    void checkCountsTheShopProject()
    {
        const auto report
            = contextSourceParser(QStringLiteral("dbt"))->check(kData + QStringLiteral("/shop"));
        QVERIFY2(report.ok(), qPrintable(report.ok() ? QString() : report.error().toText()));
        QCOMPARE(report->driver, QStringLiteral("dbt"));
        QCOMPARE(report->models, 6);
        QCOMPARE(report->sourceTables, 3);
        QVERIFY2(report->errors.isEmpty(),
                 qPrintable(report->errors.isEmpty() ? QString() : report->errors.first().message));
        QCOMPARE(report->filesRead,
                 QStringList({QStringLiteral("dbt_project.yml"),
                              QStringLiteral("models/marts/customer_lifetime_value.sql"),
                              QStringLiteral("models/marts/customers.sql"),
                              QStringLiteral("models/marts/docs.md"),
                              QStringLiteral("models/marts/orders.sql"),
                              QStringLiteral("models/marts/schema.yml"),
                              QStringLiteral("models/staging/_sources.yml"),
                              QStringLiteral("models/staging/schema.yml"),
                              QStringLiteral("models/staging/stg_customers.sql"),
                              QStringLiteral("models/staging/stg_orders.sql"),
                              QStringLiteral("models/staging/stg_payments.sql"),
                              QStringLiteral("target/manifest.json")}));
        QVERIFY(!hasSkipped(*report, QStringLiteral("target/manifest.json")));
    }

    void readsModelsTestsDocsAndConfig()
    {
        const auto project = DbtProject::load(kData + QStringLiteral("/shop"));
        QVERIFY(project.ok());
        QCOMPARE(project->name, QStringLiteral("shop"));
        QVERIFY(project->hasManifest);
        const DbtNode *orders = project->model(QStringLiteral("orders"));
        QVERIFY(orders);
        QCOMPARE(orders->schema, QStringLiteral("main")); // from the manifest
        QCOMPARE(orders->alias, QStringLiteral("orders"));
        QCOMPARE(orders->path, QStringLiteral("models/marts/schema.yml"));
        QVERIFY(orders->tags.contains(QStringLiteral("finance")));
        QVERIFY(orders->tags.contains(QStringLiteral("mart"))); // folder config in dbt_project.yml
        const DbtColumn *status = orders->column(QStringLiteral("status"));
        QVERIFY(status);
        QVERIFY(status->description.startsWith(
            QStringLiteral("Where the order is in its life cycle:")));
        QCOMPARE(status->tests.size(), 1);
        QCOMPARE(status->tests.first().name, QStringLiteral("accepted_values"));
        QCOMPARE(status->tests.first().kwargs.value(QStringLiteral("values")).toArray().size(), 5);
        const DbtColumn *customer = orders->column(QStringLiteral("customer_id"));
        QVERIFY(customer);
        QCOMPARE(customer->tests.size(), 2);
        QCOMPARE(customer->tests.at(1).name, QStringLiteral("relationships"));
        QCOMPARE(customer->tests.at(1).kwargs.value(QStringLiteral("to")).toString(),
                 QStringLiteral("ref('customers')"));
        const DbtColumn *amount = orders->column(QStringLiteral("amount"));
        QCOMPARE(amount->tests.first().package, QStringLiteral("dbt_utils"));
        QCOMPARE(amount->tests.first().name, QStringLiteral("accepted_range"));

        const DbtNode *customers = project->model(QStringLiteral("customers"));
        QVERIFY(
            customers->tags.contains(QStringLiteral("finance"))); // {{ config(tags=...) }} in SQL
        QVERIFY(customers->description.startsWith(QStringLiteral("One row per customer")));

        const DbtNode *rawOrders
            = project->source(QStringLiteral("raw"), QStringLiteral("raw_orders"));
        QVERIFY(rawOrders);
        QCOMPARE(rawOrders->schema, QStringLiteral("main"));
        QCOMPARE(rawOrders->loadedAtField, QStringLiteral("_loaded_at"));
        // The table's own freshness replaces the source's.
        QCOMPARE(rawOrders->freshness.value(QStringLiteral("warn_after"))
                     .toObject()
                     .value(QStringLiteral("count"))
                     .toInt(),
                 6);
        const DbtNode *rawCustomers
            = project->source(QStringLiteral("raw"), QStringLiteral("raw_customers"));
        QCOMPARE(rawCustomers->freshness.value(QStringLiteral("warn_after"))
                     .toObject()
                     .value(QStringLiteral("count"))
                     .toInt(),
                 12);
    }

    void noTargetFolderIsNotAnError()
    {
        QTemporaryDir dir;
        copyTree(kData + QStringLiteral("/shop"), dir.path(), {QStringLiteral("target/")});
        const auto report = contextSourceParser(QStringLiteral("dbt"))->check(dir.path());
        QVERIFY(report.ok());
        QVERIFY(report->errors.isEmpty());
        QCOMPARE(report->models, 6);
        QVERIFY(hasSkipped(*report, QStringLiteral("target/manifest.json"),
                           QStringLiteral("not present")));
        QVERIFY(!report->filesRead.contains(QStringLiteral("target/manifest.json")));
        // Without a manifest the schema is unknown and the alias defaults to the name.
        const auto project = DbtProject::load(dir.path());
        QCOMPARE(project->model(QStringLiteral("orders"))->schema, QString());
        QCOMPARE(project->model(QStringLiteral("orders"))->alias, QStringLiteral("orders"));
    }

    void profileSchemaAndDisabledModels()
    {
        QTemporaryDir dir;
        copyTree(kData + QStringLiteral("/shop"), dir.path(), {QStringLiteral("target/")});
        writeFile(dir.filePath(QStringLiteral("profiles.yml")),
                  "shop:\n  target: prod\n  outputs:\n    dev:\n      type: sqlite\n"
                  "      schema: dev\n    prod:\n      type: postgres\n      schema: analytics\n");
        writeFile(dir.filePath(QStringLiteral("models/marts/finance/revenue.sql")),
                  "{{ config(schema='finance', alias='revenue_daily') }}\nselect 1 as day\n");
        writeFile(dir.filePath(QStringLiteral("models/marts/old_orders.sql")),
                  "{{ config(enabled=false) }}\nselect 1\n");
        const auto project = DbtProject::load(dir.path());
        QVERIFY(project.ok());
        QCOMPARE(project->targetSchema, QStringLiteral("analytics"));
        QCOMPARE(project->model(QStringLiteral("orders"))->schema, QStringLiteral("analytics"));
        // dbt's default generate_schema_name: <target schema>_<custom schema>.
        const DbtNode *revenue = project->model(QStringLiteral("revenue"));
        QVERIFY(revenue);
        QCOMPARE(revenue->schema, QStringLiteral("analytics_finance"));
        QCOMPARE(revenue->alias, QStringLiteral("revenue_daily"));
        QVERIFY(revenue->tags.contains(QStringLiteral("mart"))); // folder config reaches subfolders
        QVERIFY(!project->model(QStringLiteral("old_orders")));
        QCOMPARE(project->models.size(), 7);
        const ContextSourceReport report = DbtSourceParser::readReport(*project);
        QVERIFY(hasSkipped(report, QStringLiteral("model old_orders"), QStringLiteral("disabled")));
        QVERIFY(report.filesRead.contains(QStringLiteral("profiles.yml")));
    }

    void brokenYamlIsLocatedAndTheRestIsRead()
    {
        QTemporaryDir dir;
        copyTree(kData + QStringLiteral("/shop"), dir.path());
        writeFile(dir.filePath(QStringLiteral("models/staging/schema.yml")),
                  "version: 2\n\nmodels:\n  - name: stg_orders\n    columns:\n"
                  "      - name: order_id\n        tests: [unique\n      - name: status\n");
        writeFile(dir.filePath(QStringLiteral("target/manifest.json")),
                  "{\n  \"nodes\": {\n  oops\n}");
        const auto report = contextSourceParser(QStringLiteral("dbt"))->check(dir.path());
        QVERIFY(report.ok());
        QCOMPARE(report->errors.size(), 2);
        const SourceFileIssue &json = report->errors.at(1);
        QCOMPARE(json.path, QStringLiteral("target/manifest.json"));
        QCOMPARE(json.line, 3);
        const SourceFileIssue &yaml = report->errors.at(0);
        QCOMPARE(yaml.path, QStringLiteral("models/staging/schema.yml"));
        QVERIFY2(yaml.line >= 7 && yaml.line <= 9, qPrintable(QString::number(yaml.line)));
        QVERIFY(yaml.column > 0);
        QVERIFY(!yaml.message.isEmpty());
        // Everything else is still read: six models, the marts' descriptions.
        QCOMPARE(report->models, 6);
        const auto project = DbtProject::load(dir.path());
        QVERIFY(project->model(QStringLiteral("orders"))
                    ->description.startsWith(QStringLiteral("One row per order")));
        QVERIFY(project->model(QStringLiteral("stg_orders"))->description.isEmpty());
    }

    void duplicateModelNamesAreReported()
    {
        QTemporaryDir dir;
        copyTree(kData + QStringLiteral("/shop"), dir.path(), {QStringLiteral("target/")});
        writeFile(dir.filePath(QStringLiteral("models/marts/legacy/stg_orders.sql")),
                  "select 1 as order_id\n");
        writeFile(dir.filePath(QStringLiteral("models/marts/wip.yml")),
                  "version: 2\nmodels:\n  - name: orders\n    description: again\n");
        const auto report = contextSourceParser(QStringLiteral("dbt"))->check(dir.path());
        QVERIFY(report.ok());
        QCOMPARE(report->models, 6);
        QCOMPARE(report->errors.size(), 2);
        // Files are read in path order, so the first one seen keeps the name.
        QCOMPARE(report->errors.at(0).path, QStringLiteral("models/marts/wip.yml"));
        QCOMPARE(report->errors.at(0).line, 3);
        QVERIFY(report->errors.at(0).message.contains(QStringLiteral("models/marts/schema.yml")));
        QCOMPARE(report->errors.at(1).path, QStringLiteral("models/staging/stg_orders.sql"));
        QVERIFY(report->errors.at(1).message.contains(
            QStringLiteral("duplicate model name 'stg_orders'")));
        QVERIFY(report->errors.at(1).message.contains(
            QStringLiteral("models/marts/legacy/stg_orders.sql")));
        // The first description stays.
        const auto project = DbtProject::load(dir.path());
        QVERIFY(project->model(QStringLiteral("orders"))
                    ->description.startsWith(QStringLiteral("One row per order")));
    }

    void notADbtProject()
    {
        QTemporaryDir dir;
        const auto report = contextSourceParser(QStringLiteral("dbt"))->check(dir.path());
        QVERIFY(!report.ok());
        QCOMPARE(report.error().code, QStringLiteral("dbt_project_missing"));
        const auto missing = contextSourceParser(QStringLiteral("dbt"))
                                 ->check(dir.filePath(QStringLiteral("nope")));
        QCOMPARE(missing.error().code, QStringLiteral("dbt_folder_missing"));
    }

    // Whole files against tests/data/dbt/shop-warehouse/expected. Set
    // KTX_UPDATE_EXPECTED=1 to rewrite them after an intended change, then review the diff.
    void extractionMatchesExpectedFiles()
    {
        const auto extraction = contextSourceParser(QStringLiteral("dbt"))
                                    ->extract(shopInput(kData + QStringLiteral("/shop")));
        QVERIFY(extraction.ok());
        const QString expectedDir = kData + QStringLiteral("/shop-warehouse/expected");
        if (qEnvironmentVariableIsSet("KTX_UPDATE_EXPECTED")) {
            QDir(expectedDir).removeRecursively();
            for (auto it = extraction->files.cbegin(); it != extraction->files.cend(); ++it)
                writeFile(expectedDir + QLatin1Char('/') + it.key(), it.value());
        }
        const auto expected = readTree(expectedDir);
        QCOMPARE(extraction->files.keys(), expected.keys());
        for (auto it = expected.cbegin(); it != expected.cend(); ++it)
            QCOMPARE(QString::fromUtf8(extraction->files.value(it.key())),
                     QString::fromUtf8(it.value()));

        const ContextSourceReport &r = extraction->report;
        QCOMPARE(r.sources,
                 QStringList({QStringLiteral("customers"), QStringLiteral("orders"),
                              QStringLiteral("raw_customers"), QStringLiteral("raw_orders"),
                              QStringLiteral("raw_payments"), QStringLiteral("stg_customers"),
                              QStringLiteral("stg_orders"), QStringLiteral("stg_payments")}));
        QCOMPARE(r.joins, 2);
        QCOMPARE(r.wikiPages, QStringList {QStringLiteral("dbt-shop-unmapped-models")});
        QVERIFY(hasSkipped(r, QStringLiteral("model customer_lifetime_value"),
                           QStringLiteral("no table main.customer_lifetime_value")));
        QVERIFY(hasSkipped(r, QStringLiteral("column orders.discount_code")));
        // `values: "{{ var('payment_methods') }}"` resolves from dbt_project.yml vars.
        QVERIFY(!hasSkipped(r, QStringLiteral("accepted_values of stg_payments.payment_method")));
        QVERIFY(hasSkipped(r, QStringLiteral("tags/freshness of source raw.raw_payments")));
    }

    void extractionLoadsValidatesAndCarriesTheTests()
    {
        const auto extraction = contextSourceParser(QStringLiteral("dbt"))
                                    ->extract(shopInput(kData + QStringLiteral("/shop")));
        QVERIFY(extraction.ok());
        QTemporaryDir dir;
        auto tree = shopInput({}).baseFiles;
        for (auto it = extraction->files.cbegin(); it != extraction->files.cend(); ++it)
            tree.insert(it.key(), it.value());
        for (auto it = tree.cbegin(); it != tree.cend(); ++it)
            writeFile(dir.filePath(it.key()), it.value());

        const auto set = SourceLoader::loadDirectory(dir.filePath(kLayer));
        for (const SourceIssue &i : set.issues)
            qWarning() << i.file << i.line << i.message;
        QCOMPARE(set.errorCount(), 0);
        const auto issues = SourceValidator::validate(set.sources);
        for (const SourceIssue &i : issues)
            if (i.severity == SourceIssue::Severity::Error)
                QFAIL(qPrintable(i.message));

        const SemanticSource *orders = set.find(QStringLiteral("orders"));
        QVERIFY(orders);
        QCOMPARE(orders->grain, QStringList {QStringLiteral("order_id")}); // unique test
        QCOMPARE(orders->descriptions.value(QStringLiteral("user")),
                 QStringLiteral("Orders with their paid amount. Cancelled orders are included."));
        QCOMPARE(orders->descriptions.value(QStringLiteral("dbt")),
                 QStringLiteral("One row per order, with its total payment amount."));
        QCOMPARE(orders->measures.size(), 2); // kept
        const SourceColumn *status = orders->column(QStringLiteral("status"));
        QCOMPARE(status->descriptions.value(QStringLiteral("ai")),
                 QStringLiteral("Lifecycle status of the order."));
        QCOMPARE(status->extra.value(QStringLiteral("enum_values"))
                     .toObject()
                     .value(QStringLiteral("dbt"))
                     .toArray()
                     .size(),
                 5);
        const SourceColumn *id = orders->column(QStringLiteral("order_id"));
        const QJsonObject constraints = id->extra.value(QStringLiteral("constraints"))
                                            .toObject()
                                            .value(QStringLiteral("dbt"))
                                            .toObject();
        QCOMPARE(constraints.value(QStringLiteral("not_null")).toString(), QStringLiteral("true"));
        QCOMPARE(constraints.value(QStringLiteral("unique")).toString(), QStringLiteral("true"));
        // relationships -> the scan's join, with the relationship kind from the tests.
        QCOMPARE(orders->joins.size(), 1);
        QCOMPARE(orders->joins.first().to, QStringLiteral("customers"));
        QCOMPARE(orders->joins.first().relationship, QStringLiteral("many_to_one"));

        const SemanticSource *stgOrders = set.find(QStringLiteral("stg_orders"));
        QCOMPARE(stgOrders->grain, QStringList {QStringLiteral("order_id")});
        QCOMPARE(stgOrders->joins.size(), 1);
        QCOMPARE(stgOrders->joins.first().to, QStringLiteral("stg_customers"));
        QCOMPARE(stgOrders->joins.first().on,
                 QStringLiteral("customer_id = stg_customers.customer_id"));

        // An overlay composed onto the _schema manifest keeps the user's words.
        const SemanticSource *stgPayments = set.find(QStringLiteral("stg_payments"));
        QVERIFY(stgPayments);
        QCOMPARE(stgPayments->descriptions.value(QStringLiteral("dbt")),
                 QStringLiteral("Payments in dollars, one row per payment attempt."));
        QCOMPARE(stgPayments->descriptions.value(QStringLiteral("user")),
                 QStringLiteral("Payment attempts; failed attempts are included."));
        QCOMPARE(stgPayments->column(QStringLiteral("amount"))
                     ->descriptions.value(QStringLiteral("user")),
                 QStringLiteral("Amount in USD (converted from cents)."));
        const SemanticSource *rawPayments = set.find(QStringLiteral("raw_payments"));
        QVERIFY(rawPayments);
        QCOMPARE(rawPayments->grain, QStringList {QStringLiteral("id")});

        const SemanticSource *rawOrders = set.find(QStringLiteral("raw_orders"));
        QCOMPARE(rawOrders->extra.value(QStringLiteral("freshness"))
                     .toObject()
                     .value(QStringLiteral("dbt"))
                     .toObject()
                     .value(QStringLiteral("loaded_at_field"))
                     .toString(),
                 QStringLiteral("_loaded_at"));

        const auto page = WikiPage::parse(
            extraction->files.value(QStringLiteral("wiki/global/dbt-shop-unmapped-models.md")),
            QStringLiteral("dbt-shop-unmapped-models.md"));
        QVERIFY2(page.ok(), qPrintable(page.ok() ? QString() : page.error().toText()));
        QVERIFY(page->body.contains(QStringLiteral("model customer_lifetime_value")));
        QVERIFY(page->body.contains(QStringLiteral("Sum of all order amounts (USD).")));
    }

    void extractionIsIdempotent()
    {
        const auto parser = contextSourceParser(QStringLiteral("dbt"));
        ContextSourceInput input = shopInput(kData + QStringLiteral("/shop"));
        const auto first = parser->extract(input);
        QVERIFY(first.ok());
        for (auto it = first->files.cbegin(); it != first->files.cend(); ++it)
            if (it.key().startsWith(kLayer))
                input.baseFiles.insert(it.key(), it.value());
        const auto second = parser->extract(input);
        QVERIFY(second.ok());
        QCOMPARE(second->files, first->files);
        QCOMPARE(second->report.joins, first->report.joins);
    }

    void withoutManifestModelsStillAttachByName()
    {
        QTemporaryDir dir;
        copyTree(kData + QStringLiteral("/shop"), dir.path(), {QStringLiteral("target/")});
        const auto extraction
            = contextSourceParser(QStringLiteral("dbt"))->extract(shopInput(dir.path()));
        QVERIFY(extraction.ok());
        QCOMPARE(extraction->report.sources.size(), 8);
        QVERIFY(hasSkipped(extraction->report, QStringLiteral("model customer_lifetime_value")));
    }

    void ambiguousAndMissingTablesAreUnmapped()
    {
        QTemporaryDir dir;
        copyTree(kData + QStringLiteral("/shop"), dir.path(), {QStringLiteral("target/")});
        ContextSourceInput input = shopInput(dir.path());
        // A second schema with an `orders` table: without a manifest the model is ambiguous.
        input.baseFiles.insert(kLayer + QStringLiteral("archive_orders.yaml"),
                               "name: archive_orders\ntable: archive.orders\ngrain: [order_id]\n"
                               "columns:\n  - name: order_id\n    type: number\n");
        input.baseFiles.remove(kLayer + QStringLiteral("customers.yaml"));
        const auto extraction = contextSourceParser(QStringLiteral("dbt"))->extract(input);
        QVERIFY(extraction.ok());
        const ContextSourceReport &r = extraction->report;
        QVERIFY(hasSkipped(r, QStringLiteral("model orders"),
                           QStringLiteral("several warehouse tables")));
        QVERIFY(
            hasSkipped(r, QStringLiteral("model customers"), QStringLiteral("no table customers")));
        QVERIFY(!r.sources.contains(QStringLiteral("orders")));
        const QByteArray page
            = extraction->files.value(QStringLiteral("wiki/global/dbt-shop-unmapped-models.md"));
        QVERIFY(page.contains("## model customers"));
        QVERIFY(page.contains("## model orders"));
    }

    // What dbt derived last time and no longer states is taken back; the rest of
    // every file stays byte for byte.
    void takesBackWhatDbtNoLongerSays()
    {
        QTemporaryDir dir;
        copyTree(kData + QStringLiteral("/shop"), dir.path());
        const auto parser = contextSourceParser(QStringLiteral("dbt"));
        ContextSourceInput input = shopInput(dir.path());
        const auto first = parser->extract(input);
        QVERIFY(first.ok());
        QVERIFY(first->removed.isEmpty()); // customer_lifetime_value is still unmapped
        // The pipeline hands the previous sync's evidence: the files the parser read.
        for (const QString &file : first->report.filesRead)
            input.previousFiles.insert(file, readFile(dir.filePath(file)));
        for (auto it = first->files.cbegin(); it != first->files.cend(); ++it)
            if (it.key().startsWith(kLayer))
                input.baseFiles.insert(it.key(), it.value());

        // Drop stg_orders' relationships test and orders' accepted_values test.
        const QString staging = dir.filePath(QStringLiteral("models/staging/schema.yml"));
        QByteArray yaml = readFile(staging);
        const QByteArray relationship = "          - relationships:\n"
                                        "              to: ref('stg_customers')\n"
                                        "              field: customer_id\n";
        QVERIFY(yaml.contains(relationship));
        writeFile(staging, yaml.replace(relationship, ""));
        const QString marts = dir.filePath(QStringLiteral("models/marts/schema.yml"));
        yaml = readFile(marts);
        const QByteArray accepted
            = "        tests:\n          - accepted_values:\n              values: ['placed', "
              "'shipped', 'completed', 'return_pending', 'returned']\n      - name: amount\n";
        QVERIFY(yaml.contains(accepted));
        writeFile(marts, yaml.replace(accepted, "      - name: amount\n"));

        const auto second = parser->extract(input);
        QVERIFY(second.ok());
        QCOMPARE(second->files.keys(), first->files.keys());
        const QString stgOrders = kLayer + QStringLiteral("stg_orders.yaml");
        const QString orders = kLayer + QStringLiteral("orders.yaml");
        for (auto it = first->files.cbegin(); it != first->files.cend(); ++it)
            if (it.key() != stgOrders && it.key() != orders)
                QCOMPARE(QString::fromUtf8(second->files.value(it.key())),
                         QString::fromUtf8(it.value()));

        // stg_orders: the join and the test entry are gone, nothing else moved.
        QString expected = QString::fromUtf8(first->files.value(stgOrders));
        const QString testEntry = QStringLiteral("        - name: relationships\n"
                                                 "          package: dbt\n"
                                                 "          kwargs:\n"
                                                 "            field: customer_id\n"
                                                 "            to: ref('stg_customers')\n");
        QVERIFY(expected.contains(testEntry));
        expected.remove(testEntry);
        const QString join = QStringLiteral("joins:\n  - to: stg_customers\n"
                                            "    \"on\": customer_id = stg_customers.customer_id\n"
                                            "    relationship: many_to_one\n");
        QVERIFY(expected.contains(join));
        expected.replace(join, QStringLiteral("joins: []\n"));
        QCOMPARE(QString::fromUtf8(second->files.value(stgOrders)), expected);

        // orders: status keeps its descriptions; enum_values and the test are gone.
        expected = QString::fromUtf8(first->files.value(orders));
        const QString statusFacts
            = QStringLiteral("    enum_values:\n      dbt:\n        - placed\n        - shipped\n"
                             "        - completed\n        - return_pending\n        - returned\n"
                             "    tests:\n      dbt:\n        - name: accepted_values\n"
                             "          package: dbt\n          kwargs:\n            values:\n"
                             "              - placed\n              - shipped\n"
                             "              - completed\n              - return_pending\n"
                             "              - returned\n");
        QVERIFY(expected.contains(statusFacts));
        expected.remove(statusFacts);
        QCOMPARE(QString::fromUtf8(second->files.value(orders)), expected);
        QCOMPARE(second->report.joins, first->report.joins - 1);

        // A third run with nothing changed changes nothing more.
        for (auto it = second->files.cbegin(); it != second->files.cend(); ++it)
            if (it.key().startsWith(kLayer))
                input.baseFiles.insert(it.key(), it.value());
        input.previousFiles.clear();
        for (const QString &file : second->report.filesRead)
            input.previousFiles.insert(file, readFile(dir.filePath(file)));
        const auto third = parser->extract(input);
        QVERIFY(third.ok());
        QCOMPARE(third->files, second->files);
    }

    // A join or fact a person edited after dbt wrote it stays, and says why.
    void keepsWhatAPersonEdited()
    {
        QTemporaryDir dir;
        copyTree(kData + QStringLiteral("/shop"), dir.path());
        const auto parser = contextSourceParser(QStringLiteral("dbt"));
        ContextSourceInput input = shopInput(dir.path());
        const auto first = parser->extract(input);
        QVERIFY(first.ok());
        for (const QString &file : first->report.filesRead)
            input.previousFiles.insert(file, readFile(dir.filePath(file)));
        for (auto it = first->files.cbegin(); it != first->files.cend(); ++it)
            if (it.key().startsWith(kLayer))
                input.baseFiles.insert(it.key(), it.value());
        const QString stgOrders = kLayer + QStringLiteral("stg_orders.yaml");
        const QString orders = kLayer + QStringLiteral("orders.yaml");
        // Someone described the join and trimmed the enum by hand.
        QByteArray edited = input.baseFiles.value(stgOrders);
        QVERIFY(edited.contains("    relationship: many_to_one\n"));
        edited.replace("    relationship: many_to_one\n",
                       "    relationship: many_to_one\n    description: checked with finance\n");
        input.baseFiles.insert(stgOrders, edited);
        edited = input.baseFiles.value(orders);
        QVERIFY(edited.contains("        - return_pending\n        - returned\n    tests:"));
        edited.replace("        - return_pending\n        - returned\n    tests:",
                       "        - returned\n    tests:");
        input.baseFiles.insert(orders, edited);

        const QString staging = dir.filePath(QStringLiteral("models/staging/schema.yml"));
        writeFile(staging,
                  readFile(staging).replace("          - relationships:\n"
                                            "              to: ref('stg_customers')\n"
                                            "              field: customer_id\n",
                                            ""));
        const QString marts = dir.filePath(QStringLiteral("models/marts/schema.yml"));
        writeFile(marts,
                  readFile(marts).replace(
                      "        tests:\n          - accepted_values:\n              values: "
                      "['placed', 'shipped', 'completed', 'return_pending', 'returned']\n",
                      ""));
        const auto second = parser->extract(input);
        QVERIFY(second.ok());
        const QByteArray stg = second->files.value(stgOrders);
        QVERIFY2(stg.contains("description: checked with finance"), stg.constData());
        QVERIFY(stg.contains("  - to: stg_customers\n"));
        QVERIFY(hasSkipped(second->report, QStringLiteral("join stg_orders -> stg_customers"),
                           QStringLiteral("changed since dbt derived it")));
        const QByteArray ord = second->files.value(orders);
        QVERIFY(ord.contains("    enum_values:\n      dbt:\n        - placed\n"));
        QVERIFY(hasSkipped(second->report, QStringLiteral("enum_values of orders.status"),
                           QStringLiteral("edited by hand")));
        QVERIFY(!ord.contains("name: accepted_values")); // tests.dbt was still dbt's own
    }

    // Without previous files nothing is taken back (a first ingest, or lost evidence).
    void withoutPreviousFilesNothingIsTakenBack()
    {
        QTemporaryDir dir;
        copyTree(kData + QStringLiteral("/shop"), dir.path());
        const auto parser = contextSourceParser(QStringLiteral("dbt"));
        ContextSourceInput input = shopInput(dir.path());
        const auto first = parser->extract(input);
        for (auto it = first->files.cbegin(); it != first->files.cend(); ++it)
            if (it.key().startsWith(kLayer))
                input.baseFiles.insert(it.key(), it.value());
        const QString staging = dir.filePath(QStringLiteral("models/staging/schema.yml"));
        writeFile(staging,
                  readFile(staging).replace("          - relationships:\n"
                                            "              to: ref('stg_customers')\n"
                                            "              field: customer_id\n",
                                            ""));
        const auto second = parser->extract(input);
        QVERIFY(second.ok());
        QVERIFY(second->files.value(kLayer + QStringLiteral("stg_orders.yaml"))
                    .contains("  - to: stg_customers\n"));
    }

    void unmappedPageIsRemovedOnceEveryModelMaps()
    {
        QTemporaryDir dir;
        copyTree(kData + QStringLiteral("/shop"), dir.path());
        QVERIFY(QFile::remove(
            dir.filePath(QStringLiteral("models/marts/customer_lifetime_value.sql"))));
        // The manifest still knows the model; without it the project says what it holds.
        QVERIFY(QFile::remove(dir.filePath(QStringLiteral("target/manifest.json"))));
        const auto extraction
            = contextSourceParser(QStringLiteral("dbt"))->extract(shopInput(dir.path()));
        QVERIFY(extraction.ok());
        QVERIFY(extraction->report.wikiPages.isEmpty());
        QCOMPARE(extraction->removed,
                 QStringList {QStringLiteral("wiki/global/dbt-shop-unmapped-models.md")});
        QVERIFY(
            !extraction->files.contains(QStringLiteral("wiki/global/dbt-shop-unmapped-models.md")));
    }

    // var() in config, sources and SQL from dbt_project.yml vars (tests/data/dbt/vars).
    void varsResolveFromTheProject()
    {
        const auto project = DbtProject::load(kData + QStringLiteral("/vars"));
        QVERIFY(project.ok());
        const DbtNode *raw = project->source(QStringLiteral("raw"), QStringLiteral("raw_orders"));
        QVERIFY(raw);
        QCOMPARE(raw->schema, QStringLiteral("main")); // the project's scope wins over global
        QCOMPARE(raw->database, QStringLiteral("warehouse")); // the call's default
        QCOMPARE(raw->alias, QStringLiteral("raw_orders"));
        const DbtNode *orders = project->model(QStringLiteral("orders"));
        QVERIFY(orders); // still read despite an undefined var in its SQL
        QCOMPARE(orders->alias, QStringLiteral("fct_orders")); // config(alias=var(...))
        QCOMPARE(orders->customSchema, QStringLiteral("marts")); // +schema default in folder config
        QCOMPARE(orders->description, QStringLiteral("Orders with a var()-driven alias."));
        const DbtColumn *status = orders->column(QStringLiteral("status"));
        QVERIFY(status);
        QCOMPARE(status->tests.first().kwargs.value(QStringLiteral("values")).toArray(),
                 QJsonArray({QStringLiteral("placed"), QStringLiteral("shipped"),
                             QStringLiteral("returned")}));
        QVERIFY(!project->model(QStringLiteral("legacy_orders"))); // enabled=var(..., false)
        const DbtNode *stg = project->model(QStringLiteral("stg_orders"));
        QVERIFY(stg);
        QCOMPARE(stg->customSchema, QString()); // its var is undefined: no schema from it

        // Undefined vars without a default: one issue each, where the call is.
        QCOMPARE(project->errors.size(), 2);
        const SourceFileIssue &yaml = project->errors.at(1); // sorted by path
        QCOMPARE(yaml.path, QStringLiteral("models/marts/schema.yml"));
        QCOMPARE(yaml.line, 13);
        QCOMPARE(yaml.column, 19);
        QVERIFY(yaml.message.contains(QStringLiteral("var('staging_schema')")));
        const SourceFileIssue &sql = project->errors.at(0);
        QCOMPARE(sql.path, QStringLiteral("models/marts/orders.sql"));
        QCOMPARE(sql.line, 5);
        QCOMPARE(sql.column, 25);
        QVERIFY(sql.message.contains(QStringLiteral("var('start_date')")));
    }

    void varsInMemoryFilesReadTheSame()
    {
        const auto files = readTree(kData + QStringLiteral("/vars"));
        const auto fromFiles = DbtProject::fromFiles(files);
        QVERIFY(fromFiles.ok());
        const auto fromDisk = DbtProject::load(kData + QStringLiteral("/vars"));
        QCOMPARE(fromFiles->filesRead, fromDisk->filesRead);
        QCOMPARE(fromFiles->models.size(), fromDisk->models.size());
        QCOMPARE(fromFiles->errors.size(), fromDisk->errors.size());
        QCOMPARE(fromFiles->model(QStringLiteral("orders"))->alias, QStringLiteral("fct_orders"));
        QCOMPARE(DbtProject::fromFiles({}).error().code, QStringLiteral("dbt_project_missing"));
    }
};

QTEST_GUILESS_MAIN(TestDbt)
#include "tst_dbt.moc"
