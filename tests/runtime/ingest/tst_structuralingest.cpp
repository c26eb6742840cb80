#include "demo/demowarehouse.h"
#include "ingest/livedatabaseevidence.h"
#include "ingest/structuralingest.h"
#include "ingest/structuralsource.h"
#include "project/configloader.h"
#include "project/projectscaffold.h"
#include "project/yamldocument.h"
#include "search/searchindex.h"
#include "semantic/sourcefilename.h"

#include <QCryptographicHash>
#include <QDir>
#include <QDirIterator>
#include <QFile>
#include <QProcess>
#include <QRegularExpression>
#include <QSqlDatabase>
#include <QSqlError>
#include <QSqlQuery>
#include <QTemporaryDir>
#include <QTest>

using namespace ktx;

namespace {

QByteArray readAll(const QString &path)
{
    QFile f(path);
    return f.open(QIODevice::ReadOnly) ? f.readAll() : QByteArray();
}

void writeFile(const QString &path, const QByteArray &content)
{
    QDir().mkpath(QFileInfo(path).absolutePath());
    QFile f(path);
    QVERIFY(f.open(QIODevice::WriteOnly));
    f.write(content);
}

QString git(const QString &dir, const QStringList &args)
{
    QProcess p;
    p.setWorkingDirectory(dir);
    p.start("git", args);
    p.waitForFinished(30000);
    return QString::fromUtf8(p.readAllStandardOutput()).trimmed();
}

void execSql(const QString &file, const QStringList &statements)
{
    {
        QSqlDatabase db = QSqlDatabase::addDatabase("QSQLITE", "setup");
        db.setDatabaseName(file);
        QVERIFY(db.open());
        for (const QString &sql : statements) {
            QSqlQuery q(db);
            QVERIFY2(q.exec(sql), qPrintable(sql + ": " + q.lastError().text()));
        }
        db.close();
    }
    QSqlDatabase::removeDatabase("setup");
}

struct Project
{
    QString dir;
    ProjectConfig config;
};

Project makeProject(const QTemporaryDir &tmp, const QString &dbFile)
{
    Project p;
    p.dir = tmp.filePath("proj");
    ProjectScaffold::Options o;
    o.configText = QStringLiteral("connections:\n  shop:\n    driver: sqlite\n    path: %1\n")
                       .arg(dbFile)
                       .toUtf8();
    if (!ProjectScaffold::create(p.dir, o).ok())
        return {};
    p.config = ConfigLoader::loadFile(p.dir + "/ktx.yaml")->config;
    return p;
}

int commitCount(const QString &dir)
{
    return git(dir, {"rev-list", "--count", "HEAD"}).toInt();
}

} // namespace

class TestStructuralIngest : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void fileNamesFollowTheOriginal_data()
    {
        QTest::addColumn<QString>("name");
        QTest::addColumn<QString>("file");
        QTest::newRow("simple") << "orders"
                                << "orders.yaml";
        QTest::newRow("digits and underscore") << "fct_orders_2024"
                                               << "fct_orders_2024.yaml";
        QTest::newRow("upper case") << "SIGNED_UP"
                                    << "signed_up-"
                + QString::fromLatin1(QCryptographicHash::hash("SIGNED_UP",
                                                               QCryptographicHash::Sha256)
                                          .toHex()
                                          .left(8))
                + ".yaml";
        QTest::newRow("space") << "Order Details"
                               << "order_details-"
                + QString::fromLatin1(QCryptographicHash::hash("Order Details",
                                                               QCryptographicHash::Sha256)
                                          .toHex()
                                          .left(8))
                + ".yaml";
        QTest::newRow("windows reserved")
            << "con"
            << "con-"
                + QString::fromLatin1(
                    QCryptographicHash::hash("con", QCryptographicHash::Sha256).toHex().left(8))
                + ".yaml";
    }
    void fileNamesFollowTheOriginal()
    {
        QFETCH(QString, name);
        QFETCH(QString, file);
        QCOMPARE(SourceFileName::forSource(name), file);
    }

    void projectsATable()
    {
        SchemaTable table;
        table.ref = {"", "main", "orders"};
        table.comment = "One row per order";
        table.columns = {{"order_id", "INTEGER", "integer", "number", false, true, {}},
                         {"customer_id", "INTEGER", "integer", "number", false, false, {}},
                         {"status", "TEXT", "text", "string", true, false, "completed | cancelled"},
                         {"ordered_at", "TEXT", "text", "time", false, false, {}},
                         {"on", "BOOLEAN", "boolean", "boolean", true, false, {}}};
        SchemaSnapshot snapshot;
        snapshot.tables
            = {table,
               SchemaTable {{"", "main", "customers"},
                            "table",
                            {},
                            {},
                            {},
                            {{"customer_id", "INTEGER", "integer", "number", false, true, {}}},
                            {}}};
        const auto names = StructuralSource::sourceNames(snapshot);
        StructuralJoin join {
            table.ref, {"customer_id"}, {"", "main", "customers"}, {"customer_id"}, "many_to_one"};
        const QByteArray yaml = StructuralSource::yaml(table, "sqlite", names, {join});
        auto doc = YamlDocument::parse(yaml);
        QVERIFY2(doc.ok(), yaml.constData());
        QCOMPARE(doc->at({"name"})->text, QStringLiteral("orders"));
        QCOMPARE(doc->at({"table"})->text, QStringLiteral("orders"));
        QCOMPARE(doc->at({"descriptions", "db"})->text, QStringLiteral("One row per order"));
        QCOMPARE(doc->at({"grain"})->items.size(), size_t(1));
        QCOMPARE(doc->at({"grain"})->items[0].text, QStringLiteral("order_id"));
        const YamlNode *columns = doc->at({"columns"});
        QCOMPARE(columns->items.size(), size_t(5));
        QCOMPARE(columns->items[3].find(u"role")->text, QStringLiteral("time"));
        QCOMPARE(columns->items[2].find(u"descriptions")->find(u"db")->text,
                 QStringLiteral("completed | cancelled"));
        const YamlNode *joins = doc->at({"joins"});
        QCOMPARE(joins->items.size(), size_t(1));
        QCOMPARE(joins->items[0].find(u"on")->text,
                 QStringLiteral("orders.customer_id = customers.customer_id"));
        QCOMPARE(joins->items[0].find(u"relationship")->text, QStringLiteral("many_to_one"));
        QVERIFY(yaml.contains(
            "\"on\": orders.customer_id")); // YAML 1.1 tools read a bare on as a boolean
        QCOMPARE(doc->at({"measures"})->items[0].find(u"expr")->text, QStringLiteral("COUNT(*)"));
        // deterministic
        QCOMPARE(StructuralSource::yaml(table, "sqlite", names, {join}), yaml);
    }

    void snapshotHashIgnoresExtractionTime()
    {
        SchemaSnapshot a;
        a.connectionId = "w";
        a.driver = "sqlite";
        a.extractedAt = QDateTime::fromSecsSinceEpoch(1000, Qt::UTC);
        a.tables = {SchemaTable {{"", "main", "t"},
                                 "table",
                                 {},
                                 {},
                                 {},
                                 {{"id", "INTEGER", "integer", "number", false, true, {}}},
                                 {}}};
        SchemaSnapshot b = a;
        b.extractedAt = QDateTime::fromSecsSinceEpoch(99999, Qt::UTC);
        const auto fa = LiveDatabaseEvidence::files(a, {});
        const auto fb = LiveDatabaseEvidence::files(b, {});
        QVERIFY(fa.value("connection.json") != fb.value("connection.json"));
        QCOMPARE(LiveDatabaseEvidence::contentHash(fa), LiveDatabaseEvidence::contentHash(fb));
        b.tables[0].columns[0].comment = "changed";
        QVERIFY(LiveDatabaseEvidence::contentHash(LiveDatabaseEvidence::files(b, {}))
                != LiveDatabaseEvidence::contentHash(fa));
        QVERIFY(fa.contains(LiveDatabaseEvidence::tableFileName(a.tables[0].ref)));
        QVERIFY(fa.contains("foreign-keys.json"));
        QVERIFY(fa.contains("warnings.json"));
    }

    // The widest table SQLite allows (SQLITE_MAX_COLUMN, 2000 by default) goes
    // through the whole structural ingest, profiling included (which samples
    // fewer rows per wide table, so memory stays bounded).
    void veryWideTableIngests()
    {
        QTemporaryDir tmp;
        const QString db = tmp.filePath("wide.sqlite");
        QStringList columns {"id INTEGER PRIMARY KEY"};
        for (int i = 1; i < 2000; ++i)
            columns << QStringLiteral("c%1 TEXT").arg(i);
        QStringList statements {QStringLiteral("CREATE TABLE wide (%1)").arg(columns.join(", "))};
        for (int row = 1; row <= 50; ++row)
            statements << QStringLiteral("INSERT INTO wide (id, c1, c1999) VALUES (%1, 'a%1', 'z')")
                              .arg(row);
        execSql(db, statements);
        const Project p = makeProject(tmp, db);
        QVERIFY(!p.dir.isEmpty());
        auto result = StructuralIngest::run(p.dir, p.config, *p.config.connection("shop"));
        QVERIFY2(result.ok(), result.ok() ? "" : qPrintable(result.error().toText()));
        QCOMPARE(result->tables, 1);
        QCOMPARE(result->added, 1);
        const QString yaml = readAll(p.dir + "/semantic-layer/shop/wide.yaml");
        // 2,000 columns and the row-count measure.
        QCOMPARE(yaml.count(QStringLiteral("\n  - name: ")), 2001);
        QVERIFY(yaml.contains("  - name: c1999\n"));
        QVERIFY(yaml.contains("grain:\n  - id\n"));
    }

    void ingestTwiceWritesOnce()
    {
        QTemporaryDir tmp;
        const QString db = tmp.filePath("shop.sqlite");
        execSql(
            db,
            {"CREATE TABLE customers (customer_id INTEGER PRIMARY KEY, name TEXT NOT NULL, "
             "created_at TIMESTAMP)",
             "CREATE TABLE orders (order_id INTEGER PRIMARY KEY, customer_id INTEGER NOT NULL "
             "REFERENCES customers(customer_id), amount NUMERIC(10,2), ordered_at DATETIME)",
             "CREATE TABLE \"Order Details\" (order_id INTEGER REFERENCES orders(order_id), line "
             "INTEGER, qty INTEGER, PRIMARY KEY (order_id, line))",
             "INSERT INTO customers VALUES (1, 'Ada', '2024-01-01'), (2, 'Grace', '2024-02-01')",
             "INSERT INTO orders VALUES (10, 1, 9.5, '2024-03-01'), (11, 2, 20, '2024-03-02')"});
        const Project p = makeProject(tmp, db);
        QVERIFY(!p.dir.isEmpty());
        const int commitsBefore = commitCount(p.dir);

        auto first = StructuralIngest::run(p.dir, p.config, *p.config.connection("shop"));
        QVERIFY2(first.ok(), first.ok() ? "" : qPrintable(first.error().toText()));
        QCOMPARE(first->tables, 3);
        QCOMPARE(first->added, 3);
        QCOMPARE(first->joins, 2);
        QVERIFY(!first->syncId.isEmpty());
        QCOMPARE(commitCount(p.dir), commitsBefore + 1);
        QCOMPARE(git(p.dir, {"log", "-1", "--format=%s"}), StructuralIngest::commitMessage(*first));
        QVERIFY(git(p.dir, {"log", "-1", "--format=%s"})
                    .startsWith("ingest(live-database): " + first->jobId
                                + " syncId=" + first->syncId + " diff=+3/~0/-0/=0"));
        QVERIFY(git(p.dir, {"status", "--porcelain"}).isEmpty());

        const QString orders = readAll(p.dir + "/semantic-layer/shop/orders.yaml");
        QVERIFY2(orders.contains("\"on\": orders.customer_id = customers.customer_id"),
                 qPrintable(orders));
        const QString syncDir = p.dir + "/raw-sources/shop/live-database/" + first->syncId;
        for (const char *f :
             {"connection.json", "foreign-keys.json", "warnings.json", "relationships.json"})
            QVERIFY2(QFileInfo::exists(syncDir + "/" + f), f);
        QCOMPARE(QDir(syncDir + "/tables").entryList(QDir::Files).size(), 3);
        QVERIFY(QFileInfo::exists(p.dir + "/.ktx/runs/" + first->jobId + "/run.json"));

        // unchanged database: nothing written, no commit, no new snapshot
        auto second = StructuralIngest::run(p.dir, p.config, *p.config.connection("shop"));
        QVERIFY(second.ok());
        QVERIFY(!second->changedAnything());
        QVERIFY(second->syncId.isEmpty());
        QCOMPARE(second->unchanged, 3);
        QCOMPARE(commitCount(p.dir), commitsBefore + 1);
        QCOMPARE(QDir(p.dir + "/raw-sources/shop/live-database")
                     .entryList(QDir::Dirs | QDir::NoDotAndDotDot)
                     .size(),
                 1);

        // a person edits one source; the schema changes; their edit stays
        QByteArray edited = readAll(p.dir + "/semantic-layer/shop/customers.yaml");
        edited.replace("name: customers\n",
                       "name: customers\ndescriptions:\n  user: Everyone who ever bought.\n");
        writeFile(p.dir + "/semantic-layer/shop/customers.yaml", edited);
        execSql(db,
                {"ALTER TABLE customers ADD COLUMN segment TEXT",
                 "ALTER TABLE orders ADD COLUMN channel TEXT", "DROP TABLE \"Order Details\""});
        auto third = StructuralIngest::run(p.dir, p.config, *p.config.connection("shop"));
        QVERIFY(third.ok());
        QVERIFY(third->changedAnything());
        QCOMPARE(third->modified, 1); // orders
        QCOMPARE(third->deleted, 1); // "Order Details" source removed
        QCOMPARE(third->keptEdited, QStringList {"semantic-layer/shop/customers.yaml"});
        QCOMPARE(readAll(p.dir + "/semantic-layer/shop/customers.yaml"), edited);
        QVERIFY(readAll(p.dir + "/semantic-layer/shop/orders.yaml").contains("name: channel"));
        // The new snapshot replaced the old one, on disk and in the commit.
        const QStringList snapshots = QDir(p.dir + "/raw-sources/shop/live-database")
                                          .entryList(QDir::Dirs | QDir::NoDotAndDotDot);
        QCOMPARE(snapshots, QStringList {third->syncId});
        QVERIFY(git(p.dir, {"ls-files", "raw-sources/shop/live-database"})
                    .split('\n', Qt::SkipEmptyParts)
                    .filter(QRegularExpression(QStringLiteral("^raw-sources/shop/live-database/(?!")
                                               + QRegularExpression::escape(third->syncId)
                                               + QStringLiteral("/)")))
                    .isEmpty());
        // Only the person's own uncommitted edit differs from the commit.
        QCOMPARE(git(p.dir, {"status", "--porcelain"}).trimmed(),
                 QStringLiteral("M semantic-layer/shop/customers.yaml"));
        QVERIFY(git(p.dir, {"log", "-1", "--format=%s"}).contains("diff=+0/~1/-1/=0"));
    }

    void demoWarehouseIngest()
    {
        QTemporaryDir tmp;
        const QString db = tmp.filePath("demo.sqlite");
        QVERIFY(DemoWarehouse::generate(db).ok());
        const Project p = makeProject(tmp, db);
        auto run = StructuralIngest::run(p.dir, p.config, *p.config.connection("shop"));
        QVERIFY2(run.ok(), run.ok() ? "" : qPrintable(run.error().toText()));
        QCOMPARE(run->tables, 14);
        QCOMPARE(run->added, 14);
        QVERIFY(run->joins >= 4); // at least the declared keys
        auto doc = YamlDocument::parse(readAll(p.dir + "/semantic-layer/shop/orders.yaml"));
        QVERIFY(doc.ok());
        QCOMPARE(doc->at({"grain"})->items[0].text, QStringLiteral("order_id"));
        // ISO dates kept as TEXT by SQLite are time dimensions in the source
        const YamlNode *orderedAt = nullptr;
        for (const YamlNode &column : doc->at({"columns"})->items)
            if (column.find(u"name")->text == QLatin1String("ordered_at"))
                orderedAt = &column;
        QVERIFY(orderedAt);
        QCOMPARE(orderedAt->find(u"type")->text, QStringLiteral("time"));
        QCOMPARE(orderedAt->find(u"role")->text, QStringLiteral("time"));
        // the implicit keys were discovered and validated: payments -> orders is a join
        QVERIFY(readAll(p.dir + "/semantic-layer/shop/payments.yaml")
                    .contains("\"on\": payments.order_id = orders.order_id"));
        QCOMPARE(run->joins, 17); // 4 declared + 13 implicit
        QVERIFY(!StructuralIngest::run(p.dir, p.config, *p.config.connection("shop"))
                     ->changedAnything());

        // The sampled values stay local (.ktx/, never committed) and feed
        // dictionary_search through the search index.
        QVERIFY(QFile::exists(p.dir + "/.ktx/profiles/shop.json"));
        const SearchIndex index(p.dir, SearchIndex::Options {});
        QVERIFY(index.sync().ok());
        const auto found = index.lookupValues({QStringLiteral("Business")}, {});
        QVERIFY(found.ok());
        QCOMPARE(found->searched.size(), 1);
        QCOMPARE(found->searched.first().status, QStringLiteral("ready"));
        QCOMPARE(found->results.size(), 1);
        bool customerType = false;
        for (const DictionaryMatch &m : found->results.first().matches)
            customerType = customerType
                || (m.sourceName == QLatin1String("customers")
                    && m.columnName == QLatin1String("customer_type")
                    && m.matchedValue == QLatin1String("business"));
        QVERIFY(customerType);
    }
};

QTEST_GUILESS_MAIN(TestStructuralIngest)
#include "tst_structuralingest.moc"
