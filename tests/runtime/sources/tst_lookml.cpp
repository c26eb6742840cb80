#include "semantic/semanticengine.h"
#include "semantic/semanticquery.h"
#include "semantic/sourceloader.h"
#include "semantic/sourcevalidator.h"
#include "sources/contextsource.h"
#include "sources/lookmlparser.h"
#include "sources/lookmlsourceparser.h"
#include "wiki/wikipage.h"

#include <QDir>
#include <QDirIterator>
#include <QFile>
#include <QFileInfo>
#include <QJsonDocument>
#include <QSqlDatabase>
#include <QSqlError>
#include <QSqlQuery>
#include <QSqlRecord>
#include <QTemporaryDir>
#include <QtTest>

using namespace ktx;

namespace {

QString dataDir()
{
    return QStringLiteral(KTX_SOURCES_TESTDATA "/lookml");
}

QByteArray readAll(const QString &path)
{
    QFile f(path);
    if (!f.open(QIODevice::ReadOnly))
        return {};
    return f.readAll();
}

void write(const QString &path, const QByteArray &bytes)
{
    QDir().mkpath(QFileInfo(path).absolutePath());
    QFile f(path);
    QVERIFY(f.open(QIODevice::WriteOnly));
    f.write(bytes);
}

ContextSourceInput fixtureInput()
{
    ContextSourceInput input;
    input.rootDir = dataDir() + QStringLiteral("/project");
    input.connectionId = QStringLiteral("thelook");
    input.warehouseConnectionId = QStringLiteral("warehouse");
    const QString base = dataDir() + QStringLiteral("/warehouse");
    QDirIterator it(base, QDir::Files, QDirIterator::Subdirectories);
    while (it.hasNext()) {
        const QString path = it.next();
        input.baseFiles.insert(QStringLiteral("semantic-layer/warehouse/")
                                   + QDir(base).relativeFilePath(path),
                               readAll(path));
    }
    return input;
}

QByteArray reportJson(const ContextSourceReport &report)
{
    return QJsonDocument(report.toJson()).toJson(QJsonDocument::Indented);
}

} // namespace

class TestLookml : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void lexesSqlStringsListsAndComments()
    {
        const QByteArray text = "# a comment { not a block\n"
                                "view: +orders {\n"
                                "  label: \"Orders \\\"#1\\\" {x}\" # trailing comment\n"
                                "  sql_table_name: `db`.orders ;;\n"
                                "  dimension: x {\n"
                                "    sql: CASE WHEN ${TABLE}.a = '{' THEN 1 -- # not a comment\n"
                                "         {% if y._in_query %} ELSE 2 {% endif %} END ;;\n"
                                "    tiers: [0, 10,\n 20,]\n"
                                "  }\n"
                                "  measure: m { type: count filters: [orders.status: \"-a,b\", x: "
                                "yes] }\n"
                                "}\n";
        const LookmlParser::Parsed p = LookmlParser::parse(text, QStringLiteral("a.lkml"));
        QVERIFY2(p.errors.isEmpty(), qPrintable(p.errors.value(0).message));
        QCOMPARE(p.root.children.size(), 1);
        const LookmlNode &view = p.root.children.first();
        QCOMPARE(view.key, QStringLiteral("view"));
        QCOMPARE(view.name, QStringLiteral("+orders"));
        QCOMPARE(view.line, 2);
        QCOMPARE(view.text(QStringLiteral("label")), QStringLiteral("Orders \"#1\" {x}"));
        QCOMPARE(view.text(QStringLiteral("sql_table_name")), QStringLiteral("`db`.orders"));
        const LookmlNode *x = view.child(QStringLiteral("dimension"));
        QVERIFY(x);
        QCOMPARE(x->name, QStringLiteral("x"));
        QCOMPARE(x->text(QStringLiteral("sql")),
                 QStringLiteral("CASE WHEN ${TABLE}.a = '{' THEN 1 -- # not a comment\n"
                                "         {% if y._in_query %} ELSE 2 {% endif %} END"));
        QCOMPARE(x->child(QStringLiteral("tiers"))->items,
                 (QStringList {QStringLiteral("0"), QStringLiteral("10"), QStringLiteral("20")}));
        const LookmlNode *m = view.child(QStringLiteral("measure"));
        QVERIFY(m);
        QCOMPARE(m->text(QStringLiteral("type")), QStringLiteral("count"));
        QCOMPARE(m->child(QStringLiteral("filters"))->items,
                 (QStringList {QStringLiteral("orders.status: -a,b"), QStringLiteral("x: yes")}));
    }

    void reportsErrorLocationsAndGoesOn_data()
    {
        QTest::addColumn<QByteArray>("text");
        QTest::addColumn<int>("line");
        QTest::addColumn<int>("column");
        QTest::addColumn<QString>("message");
        QTest::addColumn<int>("views"); // parsed despite the error
        QTest::newRow("missing colon")
            << QByteArray("view: a {\n  dimension id {\n  }\n}\nview: b {}\n") << 2 << 13
            << "expected ':' after 'dimension'" << 2;
        QTest::newRow("unterminated sql")
            << QByteArray("view: b {}\nview: a {\n  dimension: d {\n    sql: ${TABLE}.d\n  }\n}\n")
            << 4 << 5 << "'sql' value is not terminated with ';;'" << 2;
        QTest::newRow("unclosed block")
            << QByteArray("view: a {\n  dimension: d {\n    type: number\n  }\n") << 1 << 9
            << "'view: a' block is not closed with '}'" << 1;
        QTest::newRow("stray brace") << QByteArray("view: a {}\n}\nview: b {}\n") << 2 << 1
                                     << "unexpected '}' with no open block" << 2;
        QTest::newRow("unclosed string") << QByteArray("view: a {}\nview: b { label: \"oops }\n")
                                         << 2 << 18 << "string is not closed with '\"'" << 2;
    }

    void reportsErrorLocationsAndGoesOn()
    {
        QFETCH(QByteArray, text);
        QFETCH(int, line);
        QFETCH(int, column);
        QFETCH(QString, message);
        QFETCH(int, views);
        const LookmlParser::Parsed p = LookmlParser::parse(text, QStringLiteral("x.view.lkml"));
        QVERIFY(!p.errors.isEmpty());
        QCOMPARE(p.errors.first().path, QStringLiteral("x.view.lkml"));
        QCOMPARE(p.errors.first().message, message);
        QCOMPARE(p.errors.first().line, line);
        QCOMPARE(p.errors.first().column, column);
        QCOMPARE(p.root.childrenNamed(QStringLiteral("view")).size(), views);
    }

    void registered()
    {
        QVERIFY(contextSourceDrivers().contains(QStringLiteral("lookml")));
        QCOMPARE(contextSourceParser(QStringLiteral("lookml"))->driver(), QStringLiteral("lookml"));
    }

    // The issue's Done-when: the fixture yields the expected files, compared whole.
    // KTX_UPDATE_EXPECTED=1 rewrites them (review the diff before keeping it).
    void extractionMatchesExpectedFiles()
    {
        auto parser = contextSourceParser(QStringLiteral("lookml"));
        Result<ContextSourceExtraction> out = parser->extract(fixtureInput());
        QVERIFY2(out.ok(), qPrintable(out ? QString() : out.error().toText()));
        const QString expectedDir = dataDir() + QStringLiteral("/expected");
        if (qEnvironmentVariableIsSet("KTX_UPDATE_EXPECTED")) {
            QDir(expectedDir).removeRecursively();
            for (auto it = out->files.cbegin(); it != out->files.cend(); ++it)
                write(expectedDir + QLatin1Char('/') + it.key(), it.value());
            write(expectedDir + QStringLiteral("/report.json"), reportJson(out->report));
        }
        QStringList expectedFiles;
        QDirIterator it(expectedDir, QDir::Files, QDirIterator::Subdirectories);
        while (it.hasNext()) {
            const QString rel = QDir(expectedDir).relativeFilePath(it.next());
            if (rel != QLatin1String("report.json"))
                expectedFiles << rel;
        }
        expectedFiles.sort();
        QCOMPARE(out->files.keys(), expectedFiles);
        for (const QString &rel : std::as_const(expectedFiles))
            QCOMPARE(QString::fromUtf8(out->files.value(rel)),
                     QString::fromUtf8(readAll(expectedDir + QLatin1Char('/') + rel)));
        QCOMPARE(QString::fromUtf8(reportJson(out->report)),
                 QString::fromUtf8(readAll(expectedDir + QStringLiteral("/report.json"))));
    }

    void producedSourcesLoadAndValidate()
    {
        const ContextSourceInput input = fixtureInput();
        Result<ContextSourceExtraction> out
            = contextSourceParser(QStringLiteral("lookml"))->extract(input);
        QVERIFY(out.ok());
        QTemporaryDir project;
        QVERIFY(project.isValid());
        for (auto it = input.baseFiles.cbegin(); it != input.baseFiles.cend(); ++it)
            write(project.filePath(it.key()), it.value());
        int wikiPages = 0;
        for (auto it = out->files.cbegin(); it != out->files.cend(); ++it) {
            write(project.filePath(it.key()), it.value());
            if (it.key().startsWith(QLatin1String("wiki/"))) {
                ++wikiPages;
                Result<WikiPage> page = WikiPage::parse(it.value(), it.key());
                QVERIFY2(page.ok(), qPrintable(page ? QString() : page.error().toText()));
                QVERIFY(page->tags.contains(QStringLiteral("lookml")));
                QVERIFY(page->slRefs.contains(QStringLiteral("order_items")));
            }
        }
        QCOMPARE(wikiPages, 1);
        const SourceLoader::SourceSet set = SourceLoader::loadDirectory(
            project.filePath(QStringLiteral("semantic-layer/warehouse")));
        for (const SourceIssue &issue : set.issues)
            qWarning("%s", qPrintable(issue.toText()));
        QCOMPARE(set.errorCount(), 0);
        for (const SourceIssue &issue : SourceValidator::validate(set.sources))
            QVERIFY2(!issue.isError(), qPrintable(issue.toText()));

        // The dbt facts on orders survive the merge; LookML adds its own.
        const SemanticSource *orders = set.find(QStringLiteral("orders"));
        QVERIFY(orders);
        QCOMPARE(orders->table, QStringLiteral("public.orders"));
        QCOMPARE(orders->descriptions.value(QStringLiteral("dbt")),
                 QStringLiteral("Orders placed in the shop, one row per order."));
        QCOMPARE(orders->descriptions.value(QStringLiteral("looker")),
                 QStringLiteral("One row per order placed in the web shop."));
        QStringList measureNames;
        for (const SourceMeasure &m : orders->measures)
            measureNames << m.name;
        QVERIFY(measureNames.contains(QStringLiteral("order_count")));
        QVERIFY(measureNames.contains(QStringLiteral("completed_orders")));
        QVERIFY(out->files.value(QStringLiteral("semantic-layer/warehouse/orders.yaml"))
                    .startsWith("# Written by the dbt ingest"));
        const SemanticSource *facts = set.find(QStringLiteral("user_facts"));
        QVERIFY(facts);
        QVERIFY(facts->sql.contains(QStringLiteral("FROM public.orders AS o")));
    }

    void checkCountsAndLocatesErrors()
    {
        auto parser = contextSourceParser(QStringLiteral("lookml"));
        Result<ContextSourceReport> report = parser->check(dataDir() + QStringLiteral("/project"));
        QVERIFY(report.ok());
        QCOMPARE(report->models, 1);
        QCOMPARE(report->explores, 4);
        QCOMPARE(report->views, 12);
        QStringList errors;
        for (const SourceFileIssue &e : report->errors)
            errors << QStringLiteral("%1:%2:%3: %4")
                          .arg(e.path)
                          .arg(e.line)
                          .arg(e.column)
                          .arg(e.message);
        QCOMPARE(errors,
                 (QStringList {
                     QStringLiteral(
                         "views/broken.view.lkml:6:5: 'sql' value is not terminated with ';;'"),
                     QStringLiteral("views/typo.view.lkml:3:13: expected ':' after 'dimension'"),
                     QStringLiteral("refinements/order_items_refinements.lkml:17:1: refinement of "
                                    "unknown view 'missing_view'")}));
        QVERIFY(!parser->check(dataDir() + QStringLiteral("/no-such-folder")).ok());
    }

    void deterministic()
    {
        auto parser = contextSourceParser(QStringLiteral("lookml"));
        Result<ContextSourceExtraction> a = parser->extract(fixtureInput());
        Result<ContextSourceExtraction> b = parser->extract(fixtureInput());
        QVERIFY(a.ok() && b.ok());
        QCOMPARE(a->files, b->files);
        QCOMPARE(reportJson(a->report), reportJson(b->report));
    }

    void noWarehouseMeansNoSemanticFiles()
    {
        ContextSourceInput input = fixtureInput();
        input.warehouseConnectionId.clear();
        Result<ContextSourceExtraction> out
            = contextSourceParser(QStringLiteral("lookml"))->extract(input);
        QVERIFY(out.ok());
        QVERIFY(out->files.isEmpty());
        QCOMPARE(out->report.skipped.size(), out->report.views);
    }

    // The produced sources answer queries across their joins and derived measures.
    void compilesQueries_data()
    {
        QTest::addColumn<QByteArray>("query");
        QTest::addColumn<QStringList>("mentions");
        QTest::newRow("q0") << QByteArray(
            R"j({"measures":["order_items.gross_margin_pct","order_items.returned_sales"],"dimensions":["users.state"]})j")
                            << QStringList {QStringLiteral("order_items"), QStringLiteral("users")};
        QTest::newRow("q1") << QByteArray(
            R"j({"measures":["orders.completed_orders","orders.open_orders"],"dimensions":["orders.status"]})j")
                            << QStringList {QStringLiteral("orders")};
        QTest::newRow("q2") << QByteArray(
            R"j({"measures":["users.count"],"dimensions":["referrer.state"]})j")
                            << QStringList {QStringLiteral("referrer")};
        QTest::newRow("q3") << QByteArray(
            R"j({"measures":["user_facts.repeat_buyers"],"dimensions":["users.is_adult"]})j")
                            << QStringList {QStringLiteral("user_facts")};
    }

    void compilesQueries()
    {
        QFETCH(QByteArray, query);
        QFETCH(QStringList, mentions);
        const ContextSourceInput input = fixtureInput();
        Result<ContextSourceExtraction> out
            = contextSourceParser(QStringLiteral("lookml"))->extract(input);
        QVERIFY(out.ok());
        QTemporaryDir project;
        for (auto it = input.baseFiles.cbegin(); it != input.baseFiles.cend(); ++it)
            write(project.filePath(it.key()), it.value());
        for (auto it = out->files.cbegin(); it != out->files.cend(); ++it)
            write(project.filePath(it.key()), it.value());
        const SourceLoader::SourceSet set = SourceLoader::loadDirectory(
            project.filePath(QStringLiteral("semantic-layer/warehouse")));
        SemanticEngine engine(set.sources);
        Result<SemanticQuery> q = SemanticQuery::fromJson(QJsonDocument::fromJson(query).object());
        QVERIFY2(q.ok(), qPrintable(q ? QString() : q.error().toText()));
        Result<SemanticEngine::Compiled> compiled = engine.compile(*q, QStringLiteral("postgres"));
        QVERIFY2(compiled.ok(), qPrintable(compiled ? QString() : compiled.error().toText()));
        for (const QString &m : mentions)
            QVERIFY2(compiled->sql.contains(m), qPrintable(compiled->sql));
        if (qEnvironmentVariableIsSet("KTX_PRINT_SQL"))
            qInfo("%s", qPrintable(compiled->sql));
    }

    // The sources answer with the right numbers: the LookML layer run on SQLite
    // (public.* is an attached database) against values computed by hand.
    void answersOnSqlite()
    {
        const ContextSourceInput input = fixtureInput();
        Result<ContextSourceExtraction> out
            = contextSourceParser(QStringLiteral("lookml"))->extract(input);
        QVERIFY(out.ok());
        QTemporaryDir project;
        for (auto it = input.baseFiles.cbegin(); it != input.baseFiles.cend(); ++it)
            write(project.filePath(it.key()), it.value());
        for (auto it = out->files.cbegin(); it != out->files.cend(); ++it)
            write(project.filePath(it.key()), it.value());
        const SourceLoader::SourceSet set = SourceLoader::loadDirectory(
            project.filePath(QStringLiteral("semantic-layer/warehouse")));
        SemanticEngine engine(set.sources);
        {
            QSqlDatabase db = QSqlDatabase::addDatabase(QStringLiteral("QSQLITE"),
                                                        QStringLiteral("lookml-answers"));
            db.setDatabaseName(QStringLiteral(":memory:"));
            QVERIFY(db.open());
            QSqlQuery q(db);
            const char *setup[] = {
                "ATTACH DATABASE ':memory:' AS public",
                "CREATE TABLE public.users (id INTEGER, email TEXT, first_name TEXT, last_name "
                "TEXT, age INTEGER, state TEXT, zip TEXT, referrer_id INTEGER, created_at TEXT)",
                "INSERT INTO public.users VALUES (1, 'a@x', 'Ann', 'Lee', 30, 'CA', '94000', NULL, "
                "'2024-01-01'), (2, 'b@x', 'Bo', 'Ng', 17, 'NY', '10001', 1, '2024-01-05')",
                "CREATE TABLE public.orders (order_id INTEGER, user_id INTEGER, status TEXT, "
                "created_at TEXT, amount REAL)",
                "INSERT INTO public.orders VALUES (10, 1, 'complete', '2024-02-01', 100), (11, 2, "
                "'pending', '2024-02-02', 50), (12, 1, 'cancelled', '2024-02-03', 20)",
                "CREATE TABLE public.order_items (id INTEGER, order_id INTEGER, product_id "
                "INTEGER, "
                "sale_price REAL, cost REAL, returned_at TEXT)",
                "INSERT INTO public.order_items VALUES (100, 10, 1, 60, 40, NULL), (101, 10, 2, "
                "40, 10, '2024-02-05'), (102, 11, 1, 50, 30, NULL)",
            };
            for (const char *sql : setup)
                QVERIFY2(q.exec(QString::fromLatin1(sql)), qPrintable(q.lastError().text()));

            // The cells of the named result columns, per row.
            auto run = [&](const QByteArray &json, const QStringList &columns) -> QString {
                Result<SemanticQuery> query
                    = SemanticQuery::fromJson(QJsonDocument::fromJson(json).object());
                if (!query)
                    return query.error().toText();
                Result<SemanticEngine::Compiled> c
                    = engine.compile(*query, QStringLiteral("sqlite"));
                if (!c)
                    return c.error().toText();
                QSqlQuery r(db);
                if (!r.exec(c->sql))
                    return QString(r.lastError().text() + QLatin1Char('\n') + c->sql);
                QStringList rows;
                while (r.next()) {
                    QStringList cells;
                    for (const QString &column : columns) {
                        const QVariant v = r.value(column);
                        cells << (v.isNull() ? QStringLiteral("NULL") : v.toString());
                    }
                    rows << cells.join(QLatin1Char('|'));
                }
                return rows.join(QLatin1Char('\n'));
            };
            QCOMPARE(
                run(R"j({"measures":["order_items.total_sale_price","order_items.gross_margin_pct","order_items.returned_sales"],"dimensions":["users.state"]})j",
                    {QStringLiteral("state"), QStringLiteral("total_sale_price"),
                     QStringLiteral("gross_margin_pct"), QStringLiteral("returned_sales")}),
                QStringLiteral("CA|100|0.5|40\nNY|50|0.4|NULL"));
            QCOMPARE(
                run(R"j({"measures":["orders.completed_orders","orders.open_orders","orders.total_amount"]})j",
                    {QStringLiteral("completed_orders"), QStringLiteral("open_orders"),
                     QStringLiteral("total_amount")}),
                QStringLiteral("1|1|170"));
            QCOMPARE(
                run(R"j({"measures":["user_facts.repeat_buyers","user_facts.average_lifetime_orders"]})j",
                    {QStringLiteral("repeat_buyers"), QStringLiteral("average_lifetime_orders")}),
                QStringLiteral("1|1.5"));
            QCOMPARE(
                run(R"j({"measures":["users.adult_count","users.count"],"dimensions":["users.is_adult"]})j",
                    {QStringLiteral("is_adult"), QStringLiteral("adult_count"),
                     QStringLiteral("count")}),
                QStringLiteral("0|0|1\n1|1|1"));
        }
        QSqlDatabase::removeDatabase(QStringLiteral("lookml-answers"));
    }

    // mappings.expectedLookerConnectionName: a model on another connection
    // writes no semantic sources; its explores still make the wiki page.
    void connectionMismatchBlocksSemanticWrites()
    {
        ContextSourceInput input = fixtureInput();
        input.connectionFields.insert(QStringLiteral("mappings"),
                                      QVariantMap {{QStringLiteral("expectedLookerConnectionName"),
                                                    QStringLiteral("warehouse_prod")}});
        const auto out = LookmlSourceParser().extract(input);
        QVERIFY(out.ok());
        QCOMPARE(out->files.keys(),
                 QStringList {QStringLiteral("wiki/global/lookml-ecommerce.md")});
        QCOMPARE(out->report.joins, 0);
        QVERIFY(out->report.sources.isEmpty());
        const auto reason = [&](const QString &item) {
            for (const SkippedItem &s : out->report.skipped)
                if (s.item == item)
                    return s.reason;
            return QString();
        };
        QVERIFY2(reason(QStringLiteral("model ecommerce")).contains(QStringLiteral("\"thelook\"")),
                 qPrintable(reason(QStringLiteral("model ecommerce"))));
        QVERIFY(
            reason(QStringLiteral("model ecommerce")).contains(QStringLiteral("warehouse_prod")));
        QVERIFY(reason(QStringLiteral("view orders"))
                    .contains(QStringLiteral("another Looker connection")));
        const QByteArray page = out->files.value(QStringLiteral("wiki/global/lookml-ecommerce.md"));
        QVERIFY(page.contains("## Explore order_items"));
        QVERIFY(page.contains("`orders` (many_to_one): not written"));

        // The matching name changes nothing against the fixture's expected files.
        input.connectionFields.insert(QStringLiteral("mappings"),
                                      QVariantMap {{QStringLiteral("expectedLookerConnectionName"),
                                                    QStringLiteral("thelook")}});
        const auto matching = LookmlSourceParser().extract(input);
        const auto plain = LookmlSourceParser().extract(fixtureInput());
        QCOMPARE(matching->files, plain->files);
        QCOMPARE(reportJson(matching->report), reportJson(plain->report));
    }

    // include: explores see only the views of included files.
    void includeLimitsWhatExploresSee()
    {
        QTemporaryDir dir;
        QDirIterator it(dataDir() + QStringLiteral("/project"), QDir::Files,
                        QDirIterator::Subdirectories);
        while (it.hasNext()) {
            const QString path = it.next();
            write(dir.filePath(QDir(dataDir() + QStringLiteral("/project")).relativeFilePath(path)),
                  readAll(path));
        }
        QByteArray model = readAll(dir.filePath(QStringLiteral("ecommerce.model.lkml")));
        const QByteArray includes
            = "include: \"/views/*.view.lkml\"\ninclude: \"/refinements/*.lkml\"\n";
        QVERIFY(model.contains(includes));
        model.replace(includes,
                      "include: \"/views/order_items.view\"\n" // .lkml implied
                      "include: \"views/orders.view.lkml\"\n" // beside the model file
                      "include: \"/refinements/**/*.lkml\"\n"
                      "include: \"//shared_views/*.view\"\n" // another project
                      "include: \"/explores/*.explore\"\n"); // matches nothing
        write(dir.filePath(QStringLiteral("ecommerce.model.lkml")), model);
        ContextSourceInput input = fixtureInput();
        input.rootDir = dir.path();
        const auto out = LookmlSourceParser().extract(input);
        QVERIFY(out.ok());
        const auto has = [&](const QString &item, const QString &part) {
            return std::any_of(
                out->report.skipped.cbegin(), out->report.skipped.cend(),
                [&](const SkippedItem &s) { return s.item == item && s.reason.contains(part); });
        };
        QVERIFY(has(QStringLiteral("include //shared_views/*.view"),
                    QStringLiteral("another LookML project")));
        QVERIFY(
            has(QStringLiteral("include /explores/*.explore"), QStringLiteral("matches no file")));
        QVERIFY(has(QStringLiteral("join order_items.users"),
                    QStringLiteral("view users is not in a file the model includes")));
        QVERIFY(has(QStringLiteral("join order_items.products"),
                    QStringLiteral("view products is not in a file the model includes")));
        QVERIFY(has(QStringLiteral("join users.user_facts"),
                    QStringLiteral("view user_facts is not in a file the model includes")));
        // order_items -> orders is still a join; the refinement still applied.
        const QByteArray orderItems
            = out->files.value(QStringLiteral("semantic-layer/warehouse/order_items.yaml"));
        QVERIFY2(orderItems.contains("  - to: orders\n"), orderItems.constData());
        QVERIFY(!orderItems.contains("  - to: users\n"));
        QVERIFY(orderItems.contains("average_sale_price"));
        QCOMPARE(out->report.joins, 1);
    }

    // A derived table named like a source LookML did not write gets its own name.
    void derivedTableDoesNotOverwriteAnotherSource()
    {
        ContextSourceInput input = fixtureInput();
        const QString theirs = QStringLiteral("semantic-layer/warehouse/user_facts.yaml");
        const QByteArray person
            = "name: user_facts\nsql: SELECT user_id, 1 AS score FROM users\n"
              "grain: [user_id]\ncolumns:\n  - name: user_id\n    type: number\n";
        input.baseFiles.insert(theirs, person);
        const auto out = LookmlSourceParser().extract(input);
        QVERIFY(out.ok());
        QVERIFY(!out->files.contains(theirs));
        const QString ours = QStringLiteral("semantic-layer/warehouse/user_facts_lookml.yaml");
        QVERIFY(out->files.contains(ours));
        // The whole file is the fixture's, under the new name.
        QByteArray expected = readAll(
            dataDir() + QStringLiteral("/expected/semantic-layer/warehouse/user_facts.yaml"));
        expected.replace("name: user_facts\n", "name: user_facts_lookml\n");
        QCOMPARE(QString::fromUtf8(out->files.value(ours)), QString::fromUtf8(expected));
        QVERIFY(std::any_of(
            out->report.skipped.cbegin(), out->report.skipped.cend(), [](const SkippedItem &s) {
                return s.item == QLatin1String("view user_facts")
                    && s.reason.contains(QLatin1String("written as user_facts_lookml"));
            }));
        // Joins to the derived table follow the new name.
        QVERIFY(out->files.value(QStringLiteral("semantic-layer/warehouse/users.yaml"))
                    .contains("to: user_facts_lookml"));
        QVERIFY(out->report.sources.contains(QStringLiteral("user_facts_lookml")));

        // LookML's own file from the previous sync is updated in place, not renamed.
        ContextSourceInput again = fixtureInput();
        again.baseFiles.insert(theirs, person);
        again.previousFiles.insert(
            QStringLiteral("views/user_facts.view.lkml"),
            readAll(dataDir() + QStringLiteral("/project/views/user_facts.view.lkml")));
        const auto updated = LookmlSourceParser().extract(again);
        QVERIFY(updated->files.contains(theirs));
        QVERIFY(!updated->files.contains(ours));
        // And so is a file whose SQL is the derived table's (no previous evidence).
        ContextSourceInput rerun = fixtureInput();
        rerun.baseFiles.insert(
            theirs,
            readAll(dataDir()
                    + QStringLiteral("/expected/semantic-layer/warehouse/user_facts.yaml")));
        QVERIFY(LookmlSourceParser().extract(rerun)->files.contains(theirs));
    }
};

QTEST_GUILESS_MAIN(TestLookml)
#include "tst_lookml.moc"
