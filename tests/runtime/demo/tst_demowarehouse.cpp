#include "demo/demoproject.h"
#include "demo/demowarehouse.h"

#include <QCryptographicHash>
#include <QDir>
#include <QElapsedTimer>
#include <QFile>
#include <QRegularExpression>
#include <QSqlDatabase>
#include <QSqlError>
#include <QSqlQuery>
#include <QSqlRecord>
#include <QTemporaryDir>
#include <QTest>

#include <memory>

using namespace ktx;

namespace {

// One read-only QSQLITE connection, removed again when it goes out of scope.
class ScopedDatabase
{
public:
    explicit ScopedDatabase(const QString &path)
        : m_name(QStringLiteral("tst_demowarehouse_%1").arg(++s_connections))
    {
        QSqlDatabase db = QSqlDatabase::addDatabase(QStringLiteral("QSQLITE"), m_name);
        db.setDatabaseName(path);
        db.setConnectOptions(QStringLiteral("QSQLITE_OPEN_READONLY"));
        m_open = db.open();
    }
    ~ScopedDatabase()
    {
        QSqlDatabase::database(m_name, false).close();
        QSqlDatabase::removeDatabase(m_name);
    }
    ScopedDatabase(const ScopedDatabase &) = delete;
    ScopedDatabase &operator=(const ScopedDatabase &) = delete;

    bool isOpen() const { return m_open; }

    QSqlQuery query(const QString &sql) const
    {
        QSqlQuery q(QSqlDatabase::database(m_name, false));
        q.setForwardOnly(true);
        if (!q.exec(sql))
            qWarning("SQL failed: %s\n%s", qPrintable(sql), qPrintable(q.lastError().text()));
        return q;
    }

    QVariant scalar(const QString &sql) const
    {
        QSqlQuery q = query(sql);
        return q.next() ? q.value(0) : QVariant();
    }

    QStringList tables() const
    {
        QStringList names;
        QSqlQuery q = query(QStringLiteral("SELECT name FROM sqlite_master WHERE type = 'table' "
                                           "AND name NOT LIKE 'sqlite_%' ORDER BY name"));
        while (q.next())
            names.append(q.value(0).toString());
        return names;
    }

    // Declared foreign keys of `table`, as "column->parent.parentColumn".
    QStringList declaredForeignKeys(const QString &table) const
    {
        QStringList keys;
        QSqlQuery q = query(QStringLiteral("PRAGMA foreign_key_list(%1)").arg(table));
        while (q.next()) {
            const QSqlRecord r = q.record();
            keys.append(r.value(QStringLiteral("from")).toString() + QLatin1String("->")
                        + r.value(QStringLiteral("table")).toString() + QLatin1Char('.')
                        + r.value(QStringLiteral("to")).toString());
        }
        return keys;
    }

    // Order-independent of storage: every table's rows in primary-key order, typed.
    QByteArray contentHash() const
    {
        QCryptographicHash hash(QCryptographicHash::Sha256);
        for (const QString &table : tables()) {
            QString primaryKey;
            QSqlQuery info = query(QStringLiteral("PRAGMA table_info(%1)").arg(table));
            while (info.next()) {
                if (info.value(QStringLiteral("pk")).toInt() == 1)
                    primaryKey = info.value(QStringLiteral("name")).toString();
            }
            hash.addData(QByteArray(table.toUtf8() + '\n'));
            QSqlQuery rows
                = query(QStringLiteral("SELECT * FROM %1 ORDER BY %2").arg(table, primaryKey));
            while (rows.next()) {
                const QSqlRecord r = rows.record();
                for (int i = 0; i < r.count(); ++i) {
                    const QVariant v = r.value(i);
                    hash.addData(v.isNull()
                                     ? QByteArray("\x01NULL")
                                     : QByteArray(v.typeName()) + ':' + v.toString().toUtf8());
                    hash.addData(QByteArray("\x1f", 1));
                }
                hash.addData(QByteArray("\x1e", 1));
            }
        }
        return hash.result().toHex();
    }

private:
    static inline int s_connections = 0;
    QString m_name;
    bool m_open = false;
};

QByteArray readFile(const QString &path)
{
    QFile file(path);
    return file.open(QIODevice::ReadOnly) ? file.readAll() : QByteArray();
}

// The entries of a block-style list under `key:` in a page's YAML front matter.
QStringList frontMatterList(const QByteArray &page, const QByteArray &key)
{
    QStringList items;
    const QList<QByteArray> lines = page.split('\n');
    bool inFrontMatter = false;
    bool inList = false;
    for (const QByteArray &line : lines) {
        if (line == "---") {
            if (inFrontMatter)
                break;
            inFrontMatter = true;
            continue;
        }
        if (!inFrontMatter)
            continue;
        if (line.startsWith(QByteArray(key + ':'))) {
            inList = true;
            continue;
        }
        if (inList && line.startsWith("  - "))
            items.append(QString::fromUtf8(line.mid(4).trimmed()));
        else if (inList)
            inList = false;
    }
    return items;
}

} // namespace

class TestDemoWarehouse : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void cleanupTestCase();

    void generatesTheDocumentedTables();
    void summaryMatchesTheDatabase();
    void declaredForeignKeys_data();
    void declaredForeignKeys();
    void implicitReferences_data();
    void implicitReferences();
    void foreignKeyCheckIsClean();
    void valuesUseTheDocumentedFormats();
    void optionalColumnsHaveNulls();
    void paymentsReconcileWithOrderLines();
    void fanTrapExists();
    void chasmTrapExists();

    void sameSeedGivesIdenticalContent();
    void differentSeedGivesDifferentContent();
    void refusesToOverwriteAnExistingFile();
    void overwritesWhenAsked();
    void cancelledRunLeavesNoFile();

    void writeTemplateLaysDownTheProject();
    void writeTemplateKeepsIdenticalFilesAndRefusesConflicts();
    void wikiPagesReferToRealTablesAndPages();
    void generateWarehouseUsesTheTemplatePath();

private:
    QTemporaryDir m_dir;
    QString m_path;
    DemoWarehouse::Summary m_summary;
    std::unique_ptr<ScopedDatabase> m_db;
};

void TestDemoWarehouse::initTestCase()
{
    QVERIFY(m_dir.isValid());
    m_path = m_dir.filePath(QStringLiteral("demo.sqlite"));
    QElapsedTimer timer;
    timer.start();
    const Result<DemoWarehouse::Summary> result = DemoWarehouse::generate(m_path);
    const qint64 elapsed = timer.elapsed();
    QVERIFY2(result.ok(), qPrintable(result.ok() ? QString() : result.error().toText()));
    m_summary = result.value();
    qInfo("Generated %lld rows in %lld ms", m_summary.totalRows, elapsed);
    // Generous bound (sanitizer builds, loaded CI machines); the target is well under 1 s.
    QVERIFY2(elapsed < 10000, "generation is expected to take well under a second");

    m_db = std::make_unique<ScopedDatabase>(m_path);
    QVERIFY(m_db->isOpen());
}

void TestDemoWarehouse::cleanupTestCase()
{
    m_db.reset();
}

void TestDemoWarehouse::generatesTheDocumentedTables()
{
    const QStringList tables = m_db->tables();
    QVERIFY2(tables.size() >= 12, qPrintable(tables.join(QLatin1String(", "))));
    QStringList expected = DemoWarehouse::tableNames();
    expected.sort();
    QCOMPARE(tables, expected);

    qint64 total = 0;
    for (const QString &table : tables) {
        const qint64 rows
            = m_db->scalar(QStringLiteral("SELECT COUNT(*) FROM %1").arg(table)).toLongLong();
        QVERIFY2(rows > 0, qPrintable(table));
        total += rows;
    }
    QVERIFY2(total >= 45000 && total <= 60000, qPrintable(QString::number(total)));
}

void TestDemoWarehouse::summaryMatchesTheDatabase()
{
    QCOMPARE(m_summary.tables.size(), DemoWarehouse::tableNames().size());
    qint64 total = 0;
    for (const DemoWarehouse::TableRowCount &t : m_summary.tables) {
        QCOMPARE(m_db->scalar(QStringLiteral("SELECT COUNT(*) FROM %1").arg(t.table)).toLongLong(),
                 t.rows);
        total += t.rows;
    }
    QCOMPARE(m_summary.totalRows, total);
    QCOMPARE(m_summary.seed, DemoWarehouse::kDefaultSeed);
    QCOMPARE(m_summary.rowCount(u"orders"),
             m_db->scalar(QStringLiteral("SELECT COUNT(*) FROM orders")).toLongLong());
    QCOMPARE(m_summary.rowCount(u"no_such_table"), -1);
}

void TestDemoWarehouse::declaredForeignKeys_data()
{
    QTest::addColumn<QString>("table");
    QTest::addColumn<QString>("key");
    QTest::newRow("customers.region_id") << "customers"
                                         << "region_id->regions.region_id";
    QTest::newRow("products.category_id") << "products"
                                          << "category_id->product_categories.category_id";
    QTest::newRow("orders.customer_id") << "orders"
                                        << "customer_id->customers.customer_id";
    QTest::newRow("order_items.order_id") << "order_items"
                                          << "order_id->orders.order_id";
}

void TestDemoWarehouse::declaredForeignKeys()
{
    QFETCH(QString, table);
    QFETCH(QString, key);
    QVERIFY2(m_db->declaredForeignKeys(table).contains(key),
             qPrintable(m_db->declaredForeignKeys(table).join(QLatin1String(", "))));
}

void TestDemoWarehouse::implicitReferences_data()
{
    QTest::addColumn<QString>("table");
    QTest::addColumn<QString>("column");
    QTest::addColumn<QString>("parent");
    QTest::addColumn<QString>("parentColumn");
    const auto row
        = [](const char *table, const char *column, const char *parent, const char *parentColumn) {
              QTest::newRow(QByteArray(QByteArray(table) + '.' + column).constData())
                  << QString::fromLatin1(table) << QString::fromLatin1(column)
                  << QString::fromLatin1(parent) << QString::fromLatin1(parentColumn);
          };
    row("customers", "referred_by_customer_id", "customers", "customer_id");
    row("product_categories", "parent_category_id", "product_categories", "category_id");
    row("order_items", "product_id", "products", "product_id");
    row("payments", "order_id", "orders", "order_id");
    row("refunds", "payment_id", "payments", "payment_id");
    row("shipments", "order_id", "orders", "order_id");
    row("subscriptions", "customer_id", "customers", "customer_id");
    row("subscriptions", "plan_code", "plans", "plan_code");
    row("marketing_events", "campaign_id", "marketing_campaigns", "campaign_id");
    row("marketing_events", "customer_id", "customers", "customer_id");
    row("marketing_events", "order_id", "orders", "order_id");
    row("support_tickets", "customer_id", "customers", "customer_id");
    row("support_tickets", "order_id", "orders", "order_id");
}

void TestDemoWarehouse::implicitReferences()
{
    QFETCH(QString, table);
    QFETCH(QString, column);
    QFETCH(QString, parent);
    QFETCH(QString, parentColumn);

    for (const QString &key : m_db->declaredForeignKeys(table))
        QVERIFY2(!key.startsWith(column + QLatin1String("->")),
                 qPrintable(key + QLatin1String(" must stay implicit")));

    const qint64 used
        = m_db->scalar(
                  QStringLiteral("SELECT COUNT(*) FROM %1 WHERE %2 IS NOT NULL").arg(table, column))
              .toLongLong();
    QVERIFY2(used > 0, "the reference must actually be used");
    const QVariant orphans = m_db->scalar(
        QStringLiteral("SELECT COUNT(*) FROM %1 AS c LEFT JOIN %3 AS p ON p.%4 = c.%2 "
                       "WHERE c.%2 IS NOT NULL AND p.%4 IS NULL")
            .arg(table, column, parent, parentColumn));
    QVERIFY(orphans.isValid());
    QCOMPARE(orphans.toLongLong(), 0);
}

void TestDemoWarehouse::foreignKeyCheckIsClean()
{
    QSqlQuery q = m_db->query(QStringLiteral("PRAGMA foreign_key_check"));
    QVERIFY(q.isActive());
    const bool violation = q.next();
    QVERIFY2(!violation, violation ? qPrintable(q.value(0).toString()) : "");
}

void TestDemoWarehouse::valuesUseTheDocumentedFormats()
{
    static const QRegularExpression date(QStringLiteral("^\\d{4}-\\d{2}-\\d{2}$"));
    static const QRegularExpression timestamp(
        QStringLiteral("^\\d{4}-\\d{2}-\\d{2} \\d{2}:\\d{2}:\\d{2}$"));
    const struct
    {
        const char *table;
        const char *column;
        bool isTimestamp;
    } columns[] = {
        {"customers", "signed_up_at", true},    {"orders", "ordered_at", true},
        {"orders", "cancelled_at", true},       {"payments", "paid_at", true},
        {"shipments", "delivered_at", true},    {"support_tickets", "closed_at", true},
        {"subscriptions", "started_on", false}, {"subscriptions", "cancelled_on", false},
        {"products", "launched_on", false},     {"marketing_campaigns", "ended_on", false},
    };
    for (const auto &c : columns) {
        QSqlQuery q = m_db->query(QStringLiteral("SELECT %1 FROM %2 WHERE %1 IS NOT NULL")
                                      .arg(QLatin1String(c.column), QLatin1String(c.table)));
        int checked = 0;
        while (q.next()) {
            const QString value = q.value(0).toString();
            QVERIFY2((c.isTimestamp ? timestamp : date).match(value).hasMatch(), qPrintable(value));
            QVERIFY2(value >= QLatin1String("2024-01-01")
                         && value <= QLatin1String("2025-12-31 23:59:59"),
                     qPrintable(value));
            ++checked;
        }
        QVERIFY2(checked > 0, c.column);
    }

    // Money is REAL and a whole number of cents.
    const QVariant offCents = m_db->scalar(
        QStringLiteral("SELECT COUNT(*) FROM payments WHERE typeof(amount) <> 'real' "
                       "OR abs(amount * 100 - round(amount * 100)) > 1e-6"));
    QCOMPARE(offCents.toLongLong(), 0);
    QCOMPARE(m_db->scalar(QStringLiteral("SELECT typeof(unit_price) FROM order_items LIMIT 1"))
                 .toString(),
             QStringLiteral("real"));
}

void TestDemoWarehouse::optionalColumnsHaveNulls()
{
    // NULL means something in each of these; the data must show both cases.
    const char *const checks[][2] = {
        {"orders", "cancelled_at"},        {"orders", "coupon_code"},
        {"shipments", "delivered_at"},     {"support_tickets", "closed_at"},
        {"support_tickets", "order_id"},   {"marketing_events", "customer_id"},
        {"subscriptions", "cancelled_on"}, {"customers", "referred_by_customer_id"},
    };
    for (const auto &c : checks) {
        const QString sql = QStringLiteral("SELECT SUM(%2 IS NULL), SUM(%2 IS NOT NULL) FROM %1")
                                .arg(QLatin1String(c[0]), QLatin1String(c[1]));
        QSqlQuery q = m_db->query(sql);
        QVERIFY(q.next());
        QVERIFY2(q.value(0).toLongLong() > 0 && q.value(1).toLongLong() > 0, qPrintable(sql));
    }
    // cancelled_at is set exactly for cancelled orders.
    QCOMPARE(m_db->scalar(QStringLiteral("SELECT COUNT(*) FROM orders WHERE (status = 'cancelled') "
                                         "<> (cancelled_at IS NOT NULL)"))
                 .toLongLong(),
             0);
}

void TestDemoWarehouse::paymentsReconcileWithOrderLines()
{
    // The wiki promises: captured payments of an order = its lines net of discounts + shipping.
    const QVariant mismatches = m_db->scalar(QStringLiteral(
        "WITH lines AS (SELECT order_id, SUM(quantity * unit_price - discount_amount) AS net "
        "               FROM order_items GROUP BY order_id), "
        "     paid AS (SELECT order_id, SUM(amount) AS paid FROM payments "
        "              WHERE status = 'captured' GROUP BY order_id) "
        "SELECT COUNT(*) FROM orders o JOIN lines l USING (order_id) JOIN paid p USING (order_id) "
        "WHERE abs(l.net + o.shipping_fee - p.paid) > 0.005"));
    QVERIFY(mismatches.isValid());
    QCOMPARE(mismatches.toLongLong(), 0);
    // Every order that is not cancelled has been paid.
    QCOMPARE(m_db->scalar(QStringLiteral(
                              "SELECT COUNT(*) FROM orders o WHERE status <> 'cancelled' AND NOT "
                              "EXISTS (SELECT 1 FROM payments p WHERE p.order_id = o.order_id "
                              "AND p.status = 'captured')"))
                 .toLongLong(),
             0);
}

void TestDemoWarehouse::fanTrapExists()
{
    const qint64 fannedOrders
        = m_db
              ->scalar(QStringLiteral(
                  "SELECT COUNT(*) FROM orders o "
                  "WHERE (SELECT COUNT(*) FROM order_items i WHERE i.order_id = o.order_id) > 1 "
                  "AND (SELECT COUNT(*) FROM payments p WHERE p.order_id = o.order_id) > 1"))
              .toLongLong();
    QVERIFY2(fannedOrders >= 100, qPrintable(QString::number(fannedOrders)));

    const double truth
        = m_db->scalar(QStringLiteral("SELECT SUM(amount) FROM payments WHERE status = 'captured'"))
              .toDouble();
    const double naive
        = m_db
              ->scalar(QStringLiteral(
                  "SELECT SUM(p.amount) FROM orders o "
                  "JOIN order_items i ON i.order_id = o.order_id "
                  "JOIN payments p ON p.order_id = o.order_id WHERE p.status = 'captured'"))
              .toDouble();
    QVERIFY(truth > 0);
    QVERIFY2(naive > truth * 1.2,
             qPrintable(QStringLiteral("naive %1, true %2").arg(naive).arg(truth)));
}

void TestDemoWarehouse::chasmTrapExists()
{
    const qint64 both
        = m_db
              ->scalar(QStringLiteral(
                  "SELECT COUNT(*) FROM customers c "
                  "WHERE (SELECT COUNT(*) FROM orders o WHERE o.customer_id = c.customer_id) > 1 "
                  "AND (SELECT COUNT(*) FROM support_tickets t WHERE t.customer_id = "
                  "c.customer_id) > 1"))
              .toLongLong();
    QVERIFY2(both >= 100, qPrintable(QString::number(both)));

    QSqlQuery naive = m_db->query(
        QStringLiteral("SELECT COUNT(o.order_id), COUNT(t.ticket_id), COUNT(DISTINCT o.order_id), "
                       "COUNT(DISTINCT t.ticket_id) "
                       "FROM customers c JOIN orders o ON o.customer_id = c.customer_id "
                       "JOIN support_tickets t ON t.customer_id = c.customer_id"));
    QVERIFY(naive.next());
    const qint64 trueOrders
        = m_db->scalar(QStringLiteral("SELECT COUNT(*) FROM orders WHERE customer_id IN "
                                      "(SELECT customer_id FROM support_tickets)"))
              .toLongLong();
    const qint64 trueTickets
        = m_db->scalar(QStringLiteral("SELECT COUNT(*) FROM support_tickets WHERE customer_id IN "
                                      "(SELECT customer_id FROM orders)"))
              .toLongLong();
    QCOMPARE(naive.value(2).toLongLong(), trueOrders);
    QCOMPARE(naive.value(3).toLongLong(), trueTickets);
    QVERIFY2(naive.value(0).toLongLong() > trueOrders, "orders are multiplied by tickets");
    QVERIFY2(naive.value(1).toLongLong() > trueTickets, "tickets are multiplied by orders");
}

void TestDemoWarehouse::sameSeedGivesIdenticalContent()
{
    const QString again = m_dir.filePath(QStringLiteral("again.sqlite"));
    const Result<DemoWarehouse::Summary> result
        = DemoWarehouse::generate(again, DemoWarehouse::kDefaultSeed);
    QVERIFY(result.ok());
    QCOMPARE(result->totalRows, m_summary.totalRows);
    const ScopedDatabase other(again);
    QVERIFY(other.isOpen());
    const QByteArray first = m_db->contentHash();
    QCOMPARE(other.contentHash(), first);
}

void TestDemoWarehouse::differentSeedGivesDifferentContent()
{
    const QString other = m_dir.filePath(QStringLiteral("other-seed.sqlite"));
    const Result<DemoWarehouse::Summary> result = DemoWarehouse::generate(other, 7);
    QVERIFY(result.ok());
    QVERIFY(result->totalRows >= 45000 && result->totalRows <= 60000);
    const ScopedDatabase db(other);
    QVERIFY(db.isOpen());
    QVERIFY(db.contentHash() != m_db->contentHash());
}

void TestDemoWarehouse::refusesToOverwriteAnExistingFile()
{
    QTemporaryDir dir;
    const QString path = dir.filePath(QStringLiteral("warehouse.sqlite"));
    {
        QFile file(path);
        QVERIFY(file.open(QIODevice::WriteOnly));
        file.write("precious data");
    }
    const Result<DemoWarehouse::Summary> result = DemoWarehouse::generate(path);
    QVERIFY(!result.ok());
    QCOMPARE(result.error().code, QStringLiteral("demo_warehouse_exists"));
    QCOMPARE(readFile(path), QByteArray("precious data"));
    QCOMPARE(QDir(dir.path()).entryList(QDir::Files | QDir::Hidden),
             QStringList {QStringLiteral("warehouse.sqlite")});
}

void TestDemoWarehouse::overwritesWhenAsked()
{
    QTemporaryDir dir;
    const QString path = dir.filePath(QStringLiteral("warehouse.sqlite"));
    {
        QFile file(path);
        QVERIFY(file.open(QIODevice::WriteOnly));
        file.write("stale");
    }
    DemoWarehouse::Options options;
    options.overwrite = true;
    const Result<DemoWarehouse::Summary> result = DemoWarehouse::generate(path, options);
    QVERIFY2(result.ok(), qPrintable(result.ok() ? QString() : result.error().toText()));
    QVERIFY(readFile(path).startsWith("SQLite format 3"));
    QCOMPARE(QDir(dir.path()).entryList(QDir::Files | QDir::Hidden),
             QStringList {QStringLiteral("warehouse.sqlite")});
}

void TestDemoWarehouse::cancelledRunLeavesNoFile()
{
    QTemporaryDir dir;
    const QString path = dir.filePath(QStringLiteral("warehouse.sqlite"));
    DemoWarehouse::Options options;
    options.cancellation.cancel();
    const Result<DemoWarehouse::Summary> result = DemoWarehouse::generate(path, options);
    QVERIFY(!result.ok());
    QCOMPARE(result.error().code, QStringLiteral("cancelled"));
    QVERIFY(QDir(dir.path()).entryList(QDir::Files | QDir::Hidden).isEmpty());
}

void TestDemoWarehouse::writeTemplateLaysDownTheProject()
{
    QTemporaryDir dir;
    const Result<void> written = DemoProject::writeTemplate(dir.path());
    QVERIFY2(written.ok(), qPrintable(written.ok() ? QString() : written.error().toText()));

    const QByteArray config = readFile(dir.filePath(QStringLiteral("ktx.yaml")));
    QVERIFY(!config.isEmpty());
    QVERIFY(config.contains(QByteArray("path: " + DemoProject::warehouseFileName().toUtf8())));
    QVERIFY(config.contains(QByteArray("  " + DemoProject::connectionId().toUtf8() + ":\n")));
    QVERIFY(config.contains("driver: sqlite"));
    QVERIFY2(!config.contains('\t'), "ktx.yaml is indented with spaces");
    QVERIFY(QFile::exists(dir.filePath(QStringLiteral("README.md"))));

    const QStringList pages = QDir(dir.filePath(QStringLiteral("wiki/global")))
                                  .entryList({QStringLiteral("*.md")}, QDir::Files);
    QVERIFY2(pages.size() >= 3, qPrintable(pages.join(QLatin1String(", "))));
    for (const QString &page : pages) {
        const QByteArray text = readFile(dir.filePath(QStringLiteral("wiki/global/") + page));
        QVERIFY2(text.startsWith("---\n") && text.contains("\nsummary: "), qPrintable(page));
    }

    // The scaffold owns these; the template must not bring them.
    QVERIFY(!QFileInfo::exists(dir.filePath(QStringLiteral(".ktx"))));
    QVERIFY(!QFileInfo::exists(dir.filePath(QStringLiteral(".gitignore"))));
    QVERIFY(!QFileInfo::exists(dir.filePath(QStringLiteral(".git"))));
}

void TestDemoWarehouse::writeTemplateKeepsIdenticalFilesAndRefusesConflicts()
{
    QTemporaryDir dir;
    QVERIFY(DemoProject::writeTemplate(dir.path()).ok());
    QVERIFY2(DemoProject::writeTemplate(dir.path()).ok(), "identical files are not a conflict");

    const QString config = dir.filePath(QStringLiteral("ktx.yaml"));
    {
        QFile file(config);
        QVERIFY(file.open(QIODevice::Append));
        file.write("# my own note\n");
    }
    const QByteArray edited = readFile(config);
    const QString page = dir.filePath(QStringLiteral("wiki/global/refund-policy.md"));
    QVERIFY(QFile::remove(page));

    const Result<void> again = DemoProject::writeTemplate(dir.path());
    QVERIFY(!again.ok());
    QCOMPARE(again.error().code, QStringLiteral("demo_template_conflict"));
    QVERIFY(again.error().message.contains(QLatin1String("ktx.yaml")));
    QCOMPARE(readFile(config), edited);
    QVERIFY2(!QFile::exists(page), "nothing is written when there is a conflict");
}

void TestDemoWarehouse::wikiPagesReferToRealTablesAndPages()
{
    QTemporaryDir dir;
    QVERIFY(DemoProject::writeTemplate(dir.path()).ok());
    const QDir wiki(dir.filePath(QStringLiteral("wiki/global")));
    QStringList keys;
    for (const QString &page : wiki.entryList({QStringLiteral("*.md")}, QDir::Files))
        keys.append(page.chopped(3));

    const QStringList tables = DemoWarehouse::tableNames();
    for (const QString &key : keys) {
        const QByteArray text = readFile(wiki.filePath(key + QLatin1String(".md")));
        const QStringList slRefs = frontMatterList(text, "sl_refs");
        QVERIFY2(!slRefs.isEmpty(), qPrintable(key));
        for (const QString &ref : slRefs)
            QVERIFY2(tables.contains(ref), qPrintable(key + QLatin1String(": sl_refs ") + ref));
        for (const QString &ref : frontMatterList(text, "refs"))
            QVERIFY2(keys.contains(ref), qPrintable(key + QLatin1String(": refs ") + ref));
        static const QRegularExpression wikilink(QStringLiteral("\\[\\[([^\\]]+)\\]\\]"));
        for (const QRegularExpressionMatch &m : wikilink.globalMatch(QString::fromUtf8(text)))
            QVERIFY2(keys.contains(m.captured(1)),
                     qPrintable(key + QLatin1String(": [[") + m.captured(1)));
    }
}

void TestDemoWarehouse::generateWarehouseUsesTheTemplatePath()
{
    QTemporaryDir dir;
    QVERIFY(DemoProject::writeTemplate(dir.path()).ok());
    const Result<DemoWarehouse::Summary> result = DemoProject::generateWarehouse(dir.path());
    QVERIFY2(result.ok(), qPrintable(result.ok() ? QString() : result.error().toText()));
    const QString expected = QDir(dir.path()).filePath(DemoProject::warehouseFileName());
    QCOMPARE(QFileInfo(result->path).canonicalFilePath(), QFileInfo(expected).canonicalFilePath());
    QVERIFY(readFile(expected).startsWith("SQLite format 3"));
    QCOMPARE(result->totalRows, m_summary.totalRows);

    const Result<DemoWarehouse::Summary> again = DemoProject::generateWarehouse(dir.path());
    QVERIFY(!again.ok());
    QCOMPARE(again.error().code, QStringLiteral("demo_warehouse_exists"));
}

QTEST_GUILESS_MAIN(TestDemoWarehouse)
#include "tst_demowarehouse.moc"
