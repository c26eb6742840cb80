// Semantic queries on the demo warehouse (runtime/demo: a fan trap orders ->
// order_items / payments, a chasm trap customers <- orders / support_tickets)
// compiled by the engine and run on SQLite and on a throw-away PostgreSQL server
// loaded with the same rows. Each result must equal the result of SQL written by
// hand, and the two databases must agree. One test shows what the naive join
// would have answered.
#include "db/databasesession.h"
#include "demo/demowarehouse.h"
#include "semantic/semanticengine.h"
#include "semantic/sourceloader.h"
#include "semantic/sourcevalidator.h"
#include "testdatabaseserver.h"

#include <QDate>
#include <QDateTime>
#include <QJsonDocument>
#include <QRegularExpression>
#include <QSqlDatabase>
#include <QSqlError>
#include <QSqlQuery>
#include <QSqlRecord>
#include <QTemporaryDir>
#include <QTest>

#include <cmath>

using namespace ktx;

namespace {

// PostgreSQL column types for the demo tables (SQLite keeps TEXT dates and
// REAL money; here they are TIMESTAMP, DATE and NUMERIC).
QString postgresType(const QString &table, const QString &column, const QString &sqliteType)
{
    Q_UNUSED(table);
    if (column.endsWith(QLatin1String("_at")))
        return QStringLiteral("TIMESTAMP");
    if (column.endsWith(QLatin1String("_on")))
        return QStringLiteral("DATE");
    const QString t = sqliteType.toUpper();
    if (t.contains(QLatin1String("INT")))
        return QStringLiteral("BIGINT");
    if (t.contains(QLatin1String("REAL")))
        return QStringLiteral("NUMERIC(14,2)");
    return QStringLiteral("TEXT");
}

QString literal(const QVariant &v)
{
    if (v.isNull())
        return QStringLiteral("NULL");
    switch (v.typeId()) {
    case QMetaType::Int:
    case QMetaType::LongLong:
    case QMetaType::UInt:
    case QMetaType::ULongLong:
        return QString::number(v.toLongLong());
    case QMetaType::Double:
        return QString::number(v.toDouble(), 'f', 2);
    default:
        break;
    }
    QString text = v.toString();
    text.replace(QLatin1Char('\''), QLatin1String("''"));
    return QLatin1Char('\'') + text + QLatin1Char('\'');
}

// One cell as comparable text: numbers rounded to 4 decimals, midnight
// timestamps as dates, NULL as NULL.
QString cell(const QVariant &v)
{
    if (v.isNull())
        return QStringLiteral("NULL");
    if (v.typeId() == QMetaType::QDateTime) {
        const QDateTime dt = v.toDateTime();
        return dt.time() == QTime(0, 0) ? dt.date().toString(Qt::ISODate)
                                        : dt.toString(QStringLiteral("yyyy-MM-dd HH:mm:ss"));
    }
    if (v.typeId() == QMetaType::QDate)
        return v.toDate().toString(Qt::ISODate);
    QString text = v.toString();
    static const QRegularExpression midnight(
        QStringLiteral("^(\\d{4}-\\d{2}-\\d{2})[ T]00:00:00$"));
    const QRegularExpressionMatch m = midnight.match(text);
    if (m.hasMatch())
        return m.captured(1);
    bool numeric = false;
    const double d = text.toDouble(&numeric);
    if (numeric && !text.isEmpty())
        return QString::number(d, 'f', 6);
    return text;
}

// Rows as text, sorted; numbers keep 6 decimals here and are compared with a
// tolerance (SQLite sums REAL, PostgreSQL NUMERIC).
bool sameNumber(const QString &a, const QString &b)
{
    bool okA = false, okB = false;
    const double x = a.toDouble(&okA);
    const double y = b.toDouble(&okB);
    return okA && okB && std::abs(x - y) <= 1e-6 * std::max(1.0, std::abs(x)) + 1e-4;
}

bool sameRows(const QStringList &a, const QStringList &b)
{
    if (a.size() != b.size())
        return false;
    for (int r = 0; r < a.size(); ++r) {
        const QStringList x = a[r].split(QStringLiteral(" | "));
        const QStringList y = b[r].split(QStringLiteral(" | "));
        if (x.size() != y.size())
            return false;
        for (int c = 0; c < x.size(); ++c) {
            if (x[c] != y[c] && !sameNumber(x[c], y[c]))
                return false;
        }
    }
    return true;
}

QStringList normalized(const QueryResult &r, bool keepOrder = false)
{
    QStringList rows;
    for (const QVariantList &row : r.rows) {
        QStringList cells;
        for (const QVariant &v : row)
            cells << cell(v);
        rows << cells.join(QStringLiteral(" | "));
    }
    if (!keepOrder)
        rows.sort();
    return rows;
}

} // namespace

class TestSlCorrectness : public QObject
{
    Q_OBJECT

    QTemporaryDir m_dir;
    std::unique_ptr<SemanticEngine> m_engine;
    std::unique_ptr<test::TestDatabaseServer> m_postgres;
    std::unique_ptr<DatabaseSession> m_sqlite;
    std::unique_ptr<DatabaseSession> m_pg;
    QStringList m_results; // "<name>: <rows>" per query and backend, for the summary

    DatabaseSession *session(const QString &backend)
    {
        return backend == QLatin1String("sqlite") ? m_sqlite.get() : m_pg.get();
    }

    bool loadPostgres(const QString &sqlitePath, QString *error)
    {
        QSqlDatabase db
            = QSqlDatabase::addDatabase(QStringLiteral("QSQLITE"), QStringLiteral("demo-copy"));
        db.setDatabaseName(sqlitePath);
        if (!db.open()) {
            *error = db.lastError().text();
            return false;
        }
        bool ok = true;
        for (const QString &table : DemoWarehouse::tableNames()) {
            QSqlQuery info(db);
            info.exec(QStringLiteral("PRAGMA table_info(%1)").arg(table));
            QStringList columns;
            QStringList defs;
            while (info.next()) {
                const QString name = info.value(1).toString();
                columns << name;
                defs << name + QLatin1Char(' ')
                        + postgresType(table, name, info.value(2).toString());
            }
            QStringList statements {
                QStringLiteral("SET ROLE ktx"),
                QStringLiteral("CREATE TABLE %1 (%2)").arg(table, defs.join(QStringLiteral(", ")))};
            QSqlQuery rows(db);
            rows.exec(QStringLiteral("SELECT * FROM %1").arg(table));
            QStringList values;
            const auto flush = [&] {
                if (values.isEmpty())
                    return;
                statements << QStringLiteral("INSERT INTO %1 (%2) VALUES %3")
                                  .arg(table, columns.join(QStringLiteral(", ")),
                                       values.join(QStringLiteral(", ")));
                values.clear();
            };
            while (rows.next()) {
                QStringList v;
                for (int i = 0; i < columns.size(); ++i)
                    v << literal(rows.value(i));
                values << QLatin1Char('(') + v.join(QStringLiteral(", ")) + QLatin1Char(')');
                if (values.size() == 1000)
                    flush();
            }
            flush();
            if (!m_postgres->admin(statements, error)) {
                ok = false;
                break;
            }
        }
        db.close();
        db = QSqlDatabase();
        QSqlDatabase::removeDatabase(QStringLiteral("demo-copy"));
        return ok;
    }

    QueryResult run(const QString &backend, const QString &sql)
    {
        Result<QueryResult> r = session(backend)->query(sql, 10000);
        if (!r.ok())
            qWarning("%s failed on %s:\n%s", qPrintable(r.error().toText()), qPrintable(backend),
                     qPrintable(sql));
        return r.ok() ? *r : QueryResult {};
    }

private Q_SLOTS:
    void initTestCase()
    {
        QVERIFY(m_dir.isValid());
        const QString path = m_dir.filePath(QStringLiteral("demo.sqlite"));
        auto summary = DemoWarehouse::generate(path);
        QVERIFY2(summary.ok(), qPrintable(summary.ok() ? QString() : summary.error().toText()));

        SourceLoader::SourceSet set
            = SourceLoader::loadDirectory(QStringLiteral(KTX_SL_DEMO_SOURCES));
        set.issues += SourceValidator::validate(set.sources);
        for (const SourceIssue &i : std::as_const(set.issues))
            qInfo("%s", qPrintable(i.toText()));
        QCOMPARE(int(set.sources.size()), 14);
        QCOMPARE(set.errorCount(), 0);
        m_engine = std::make_unique<SemanticEngine>(set.sources);

        ConnectionSettings sqlite;
        sqlite.connectionId = QStringLiteral("demo");
        sqlite.driver = QStringLiteral("sqlite");
        sqlite.path = path;
        auto s = DatabaseSession::open(sqlite);
        QVERIFY2(s.ok(), qPrintable(s.ok() ? QString() : s.error().toText()));
        m_sqlite = std::move(s.value());

        QString error;
        m_postgres
            = test::TestDatabaseServer::start(test::TestDatabaseServer::Kind::Postgres, &error);
        QVERIFY2(m_postgres, qPrintable(error));
        QVERIFY2(loadPostgres(path, &error), qPrintable(error));
        auto p = DatabaseSession::open(m_postgres->connectionSettings(QStringLiteral("demo")));
        QVERIFY2(p.ok(), qPrintable(p.ok() ? QString() : p.error().toText()));
        m_pg = std::move(p.value());
    }

    void cleanupTestCase()
    {
        m_pg.reset();
        m_sqlite.reset();
        m_postgres.reset();
    }

    void matchesHandWrittenSql_data()
    {
        QTest::addColumn<QString>("query");
        QTest::addColumn<QString>("expected"); // both databases
        QTest::addColumn<QString>("expectedSqlite"); // when the two differ
        QTest::addColumn<bool>("ordered");

        const auto add = [](const char *name, const char *query, const char *sql,
                            const char *sqliteSql = "", bool ordered = false) {
            QTest::newRow(name) << QString::fromUtf8(query) << QString::fromUtf8(sql)
                                << QString::fromUtf8(sqliteSql) << ordered;
        };
        add("count by status",
            R"j({"measures":["orders.order_count"],"dimensions":["orders.status"]})j",
            "SELECT status, COUNT(*) FROM orders GROUP BY status");
        add("item revenue by category (m2o chain, empty categories kept)",
            R"j({"measures":["order_items.item_revenue"],"dimensions":["product_categories.category_name"]})j",
            "SELECT pc.category_name, SUM(oi.quantity * oi.unit_price - oi.discount_amount) "
            "FROM product_categories pc LEFT JOIN products p ON p.category_id = pc.category_id "
            "LEFT JOIN order_items oi ON oi.product_id = p.product_id GROUP BY pc.category_name");
        add("fan trap: items and payments by channel",
            R"j({"measures":["order_items.item_revenue","payments.captured_amount"],"dimensions":["orders.sales_channel"]})j",
            "SELECT k.sales_channel, i.rev, p.paid FROM (SELECT DISTINCT sales_channel FROM "
            "orders) k "
            "LEFT JOIN (SELECT o.sales_channel, SUM(oi.quantity * oi.unit_price - "
            "oi.discount_amount) AS rev "
            "FROM order_items oi JOIN orders o ON o.order_id = oi.order_id GROUP BY "
            "o.sales_channel) i "
            "ON i.sales_channel = k.sales_channel LEFT JOIN (SELECT o.sales_channel, SUM(CASE WHEN "
            "p.status = 'captured' THEN p.amount END) AS paid FROM payments p JOIN orders o ON "
            "o.order_id = p.order_id GROUP BY o.sales_channel) p ON p.sales_channel = "
            "k.sales_channel");
        add("chasm trap: orders and tickets by customer type",
            R"j({"measures":["orders.order_count","support_tickets.ticket_count"],"dimensions":["customers.customer_type"]})j",
            "SELECT c.customer_type, (SELECT COUNT(*) FROM orders o JOIN customers c2 ON "
            "c2.customer_id = o.customer_id WHERE c2.customer_type = c.customer_type), (SELECT "
            "COUNT(*) FROM support_tickets t JOIN customers c3 ON c3.customer_id = t.customer_id "
            "WHERE c3.customer_type = c.customer_type) FROM (SELECT DISTINCT customer_type FROM "
            "customers) c");
        add("chasm trap over two hops: by sales territory",
            R"j({"measures":["orders.order_count","support_tickets.ticket_count"],"dimensions":["regions.sales_territory"]})j",
            "SELECT r.sales_territory, (SELECT COUNT(*) FROM orders o JOIN customers c ON "
            "c.customer_id = o.customer_id JOIN regions r2 ON r2.region_id = c.region_id WHERE "
            "r2.sales_territory = r.sales_territory), (SELECT COUNT(*) FROM support_tickets t JOIN "
            "customers c ON c.customer_id = t.customer_id JOIN regions r2 ON r2.region_id = "
            "c.region_id WHERE r2.sales_territory = r.sales_territory) FROM (SELECT DISTINCT "
            "sales_territory FROM regions) r");
        add("three-way chasm: orders, tickets, subscriptions by acquisition channel",
            R"j({"measures":["orders.order_count","support_tickets.ticket_count","subscriptions.subscription_count"],"dimensions":["customers.acquisition_channel"]})j",
            "SELECT c.acquisition_channel, (SELECT COUNT(*) FROM orders o JOIN customers x ON "
            "x.customer_id = o.customer_id WHERE x.acquisition_channel = c.acquisition_channel), "
            "(SELECT COUNT(*) FROM support_tickets t JOIN customers x ON x.customer_id = "
            "t.customer_id WHERE x.acquisition_channel = c.acquisition_channel), (SELECT COUNT(*) "
            "FROM subscriptions s JOIN customers x ON x.customer_id = s.customer_id WHERE "
            "x.acquisition_channel = c.acquisition_channel) FROM (SELECT DISTINCT "
            "acquisition_channel FROM customers) c");
        add("filtered predefined measure by payment method",
            R"j({"measures":["payments.captured_amount","payments.failed_payments"],"dimensions":["payments.payment_method"]})j",
            "SELECT payment_method, SUM(CASE WHEN status = 'captured' THEN amount END), "
            "SUM(CASE WHEN status = 'failed' THEN 1 ELSE 0 END) FROM payments GROUP BY "
            "payment_method");
        add("measure with a segment, by territory",
            R"j({"measures":["customers.business_customers"],"dimensions":["regions.sales_territory"]})j",
            "SELECT r.sales_territory, COUNT(c.customer_id) FROM regions r LEFT JOIN customers c "
            "ON c.region_id = r.region_id AND c.customer_type = 'business' GROUP BY "
            "r.sales_territory");
        add("query-time segment",
            R"j({"measures":["orders.order_count"],"dimensions":["orders.sales_channel"],"segments":["orders.completed"]})j",
            "SELECT sales_channel, SUM(CASE WHEN status = 'completed' THEN 1 ELSE 0 END) FROM "
            "orders "
            "GROUP BY sales_channel");
        add("predefined derived measure",
            R"j({"measures":["orders.avg_shipping_fee"],"dimensions":["orders.status"]})j",
            "SELECT status, COUNT(*), SUM(shipping_fee), SUM(shipping_fee) / COUNT(*) FROM orders "
            "GROUP BY status");
        add("query-derived measure over composed measures",
            R"j({"measures":[{"expr":"sum(order_items.line_total)","name":"gross"},{"expr":"sum(order_items.quantity)","name":"units"},{"expr":"gross / units","name":"per_unit"}],"dimensions":["products.product_name"]})j",
            "SELECT p.product_name, SUM(oi.quantity * oi.unit_price - oi.discount_amount), "
            "SUM(oi.quantity), SUM(oi.quantity * oi.unit_price - oi.discount_amount) / "
            "NULLIF(SUM(oi.quantity), 0) FROM products p LEFT JOIN order_items oi ON oi.product_id "
            "= p.product_id GROUP BY p.product_name");
        add("month granularity",
            R"j({"measures":["orders.order_count"],"dimensions":[{"field":"orders.ordered_at","granularity":"month"}]})j",
            "SELECT DATE_TRUNC('month', ordered_at), COUNT(*) FROM orders GROUP BY 1",
            "SELECT SUBSTR(ordered_at, 1, 7) || '-01', COUNT(*) FROM orders GROUP BY 1");
        add("year granularity of signups",
            R"j({"measures":["customers.customer_count"],"dimensions":[{"field":"customers.signed_up_at","granularity":"year"}]})j",
            "SELECT DATE_TRUNC('year', signed_up_at), COUNT(*) FROM customers GROUP BY 1",
            "SELECT SUBSTR(signed_up_at, 1, 4) || '-01-01', COUNT(*) FROM customers GROUP BY 1");
        add("quarter granularity",
            R"j({"measures":["orders.order_count"],"dimensions":[{"field":"orders.ordered_at","granularity":"quarter"}]})j",
            "SELECT DATE_TRUNC('quarter', ordered_at), COUNT(*) FROM orders GROUP BY 1",
            "SELECT SUBSTR(ordered_at, 1, 4) || CASE WHEN CAST(SUBSTR(ordered_at, 6, 2) AS "
            "INTEGER) "
            "<= 3 THEN '-01-01' WHEN CAST(SUBSTR(ordered_at, 6, 2) AS INTEGER) <= 6 THEN '-04-01' "
            "WHEN CAST(SUBSTR(ordered_at, 6, 2) AS INTEGER) <= 9 THEN '-07-01' ELSE '-10-01' END, "
            "COUNT(*) FROM orders GROUP BY 1");
        add("week granularity (weeks start on Monday)",
            R"j({"measures":["orders.order_count"],"dimensions":[{"field":"orders.ordered_at","granularity":"week"}]})j",
            "SELECT DATE_TRUNC('week', ordered_at), COUNT(*) FROM orders GROUP BY 1",
            "SELECT DATE(ordered_at, 'weekday 0', '-6 days'), COUNT(*) FROM orders GROUP BY 1");
        add("where filter",
            R"j({"measures":["orders.order_count"],"dimensions":["orders.status"],"filters":["orders.sales_channel = 'web'"]})j",
            "SELECT status, COUNT(*) FROM orders WHERE sales_channel = 'web' GROUP BY status");
        add("having on a predefined measure",
            R"j({"measures":["orders.order_count"],"dimensions":["customers.acquisition_channel"],"filters":["orders.order_count > 1000"]})j",
            "SELECT c.acquisition_channel, COUNT(o.order_id) FROM customers c LEFT JOIN orders o "
            "ON "
            "o.customer_id = c.customer_id GROUP BY c.acquisition_channel HAVING COUNT(o.order_id) "
            "> 1000");
        add("having on an aggregate expression",
            R"j({"measures":["sum(order_items.quantity)"],"dimensions":["product_categories.category_name"],"filters":["sum(order_items.quantity) > 1500"]})j",
            "SELECT pc.category_name, SUM(oi.quantity) FROM product_categories pc LEFT JOIN "
            "products "
            "p ON p.category_id = pc.category_id LEFT JOIN order_items oi ON oi.product_id = "
            "p.product_id GROUP BY pc.category_name HAVING SUM(oi.quantity) > 1500");
        add("OR filter next to another filter keeps its meaning",
            R"j({"measures":["orders.order_count"],"dimensions":["orders.sales_channel"],"filters":["orders.status = 'completed' OR orders.status = 'shipped'","orders.coupon_code IS NOT NULL"]})j",
            "SELECT sales_channel, COUNT(*) FROM orders WHERE (status = 'completed' OR status = "
            "'shipped') AND coupon_code IS NOT NULL GROUP BY sales_channel");
        add("include_empty false: inner joins",
            R"j({"measures":["orders.order_count"],"dimensions":["regions.region_name"],"include_empty":false})j",
            "SELECT r.region_name, COUNT(*) FROM orders o JOIN customers c ON c.customer_id = "
            "o.customer_id JOIN regions r ON r.region_id = c.region_id GROUP BY r.region_name");
        add("dimensions only",
            R"j({"dimensions":["customers.customer_type","customers.acquisition_channel"]})j",
            "SELECT DISTINCT customer_type, acquisition_channel FROM customers");
        add("no dimensions",
            R"j({"measures":["sum(order_items.quantity)","order_items.line_count"]})j",
            "SELECT SUM(quantity), COUNT(*) FROM order_items");
        add("chasm without dimensions",
            R"j({"measures":["orders.order_count","support_tickets.ticket_count"]})j",
            "SELECT (SELECT COUNT(*) FROM orders), (SELECT COUNT(*) FROM support_tickets)");
        add("join alias: referrals by the referrer's channel",
            R"j({"measures":["customers.customer_count"],"dimensions":["referrer.acquisition_channel"]})j",
            "SELECT r.acquisition_channel, COUNT(c.customer_id) FROM customers r LEFT JOIN "
            "customers "
            "c ON c.referred_by_customer_id = r.customer_id GROUP BY r.acquisition_channel");
        add("computed column in a composed measure",
            R"j({"measures":[{"expr":"avg(products.margin)","name":"avg_margin"}],"dimensions":["product_categories.category_name"]})j",
            "SELECT pc.category_name, AVG(p.unit_price - p.unit_cost) FROM product_categories pc "
            "LEFT JOIN products p ON p.category_id = pc.category_id GROUP BY pc.category_name");
        add("count_distinct",
            R"j({"measures":["count_distinct(orders.customer_id)"],"dimensions":["orders.sales_channel"]})j",
            "SELECT sales_channel, COUNT(DISTINCT customer_id) FROM orders GROUP BY sales_channel");
        add("many_to_one chain from the measure: refunds by order channel",
            R"j({"measures":["refunds.refunded_amount","refunds.refund_count"],"dimensions":["orders.sales_channel"]})j",
            "SELECT o.sales_channel, SUM(r.amount), COUNT(r.refund_id) FROM orders o LEFT JOIN "
            "payments p ON p.order_id = o.order_id LEFT JOIN refunds r ON r.payment_id = "
            "p.payment_id GROUP BY o.sales_channel");
        add("chasm with a derived measure across groups",
            R"j({"measures":[{"expr":"sum(payments.amount)","name":"paid_total"},"order_items.item_revenue",{"expr":"paid_total - item_revenue","name":"gap"}],"dimensions":["orders.status"]})j",
            "SELECT k.status, p.paid, i.rev, COALESCE(p.paid, 0) - COALESCE(i.rev, 0) FROM (SELECT "
            "DISTINCT status FROM orders) k LEFT JOIN (SELECT o.status, SUM(p.amount) AS paid FROM "
            "payments p JOIN orders o ON o.order_id = p.order_id GROUP BY o.status) p ON p.status "
            "= "
            "k.status LEFT JOIN (SELECT o.status, SUM(oi.quantity * oi.unit_price - "
            "oi.discount_amount) AS rev FROM order_items oi JOIN orders o ON o.order_id = "
            "oi.order_id GROUP BY o.status) i ON i.status = k.status");
        add("chasm with a filter on the shared dimension source",
            R"j({"measures":["orders.order_count","support_tickets.ticket_count"],"dimensions":["customers.customer_type"],"filters":["customers.acquisition_channel = 'referral'"]})j",
            "SELECT c.customer_type, (SELECT COUNT(*) FROM orders o JOIN customers x ON "
            "x.customer_id = o.customer_id WHERE x.customer_type = c.customer_type AND "
            "x.acquisition_channel = 'referral'), (SELECT COUNT(*) FROM support_tickets t JOIN "
            "customers x ON x.customer_id = t.customer_id WHERE x.customer_type = c.customer_type "
            "AND x.acquisition_channel = 'referral') FROM (SELECT DISTINCT customer_type FROM "
            "customers WHERE acquisition_channel = 'referral') c");
        add("chasm with a having filter",
            R"j({"measures":["orders.order_count","support_tickets.ticket_count"],"dimensions":["customers.acquisition_channel"],"filters":["orders.order_count > 1300"]})j",
            "SELECT * FROM (SELECT c.acquisition_channel, (SELECT COUNT(*) FROM orders o JOIN "
            "customers x ON x.customer_id = o.customer_id WHERE x.acquisition_channel = "
            "c.acquisition_channel) AS n, (SELECT COUNT(*) FROM support_tickets t JOIN customers x "
            "ON x.customer_id = t.customer_id WHERE x.acquisition_channel = c.acquisition_channel) "
            "AS t FROM (SELECT DISTINCT acquisition_channel FROM customers) c) q WHERE n > 1300");
        add("order by a measure, descending, with a limit",
            R"j({"measures":["orders.order_count"],"dimensions":["customers.acquisition_channel"],"order_by":[{"field":"orders.order_count","direction":"desc"}],"limit":3})j",
            "SELECT c.acquisition_channel, COUNT(o.order_id) FROM customers c LEFT JOIN orders o "
            "ON "
            "o.customer_id = c.customer_id GROUP BY c.acquisition_channel ORDER BY 2 DESC LIMIT 3",
            "", true);
        add("filter on a many_to_one source outside the dimensions",
            R"j({"measures":["order_items.units_sold"],"dimensions":["orders.sales_channel"],"filters":["customers.customer_type = 'business'"]})j",
            "SELECT o.sales_channel, SUM(oi.quantity) FROM orders o LEFT JOIN order_items oi ON "
            "oi.order_id = o.order_id LEFT JOIN customers c ON c.customer_id = o.customer_id WHERE "
            "c.customer_type = 'business' GROUP BY o.sales_channel");
        add("filtered count by campaign channel",
            R"j({"measures":["marketing_events.purchases","marketing_events.event_count"],"dimensions":["marketing_campaigns.channel"]})j",
            "SELECT c.channel, SUM(CASE WHEN e.event_type = 'purchase' THEN 1 ELSE 0 END), "
            "COUNT(e.event_id) FROM marketing_campaigns c LEFT JOIN marketing_events e ON "
            "e.campaign_id = c.campaign_id GROUP BY c.channel");
        add("fan trap: shipments and order lines by status",
            R"j({"measures":["shipments.shipment_count","order_items.units_sold"],"dimensions":["orders.status"]})j",
            "SELECT k.status, s.n, i.u FROM (SELECT DISTINCT status FROM orders) k LEFT JOIN "
            "(SELECT "
            "o.status, COUNT(*) AS n FROM shipments s JOIN orders o ON o.order_id = s.order_id "
            "GROUP BY o.status) s ON s.status = k.status LEFT JOIN (SELECT o.status, "
            "SUM(oi.quantity) AS u FROM order_items oi JOIN orders o ON o.order_id = oi.order_id "
            "GROUP BY o.status) i ON i.status = k.status");
        add("active MRR by plan (segment measure through a join)",
            R"j({"measures":["subscriptions.active_mrr","subscriptions.subscription_count"],"dimensions":["plans.billing_interval"]})j",
            "SELECT p.billing_interval, SUM(CASE WHEN s.status = 'active' THEN s.mrr END), "
            "COUNT(s.subscription_id) FROM plans p LEFT JOIN subscriptions s ON s.plan_code = "
            "p.plan_code GROUP BY p.billing_interval");
        add("two time dimensions from two sources",
            R"j({"measures":["orders.order_count"],"dimensions":[{"field":"orders.ordered_at","granularity":"year"},{"field":"customers.signed_up_at","granularity":"year"}],"include_empty":false})j",
            "SELECT DATE_TRUNC('year', o.ordered_at), DATE_TRUNC('year', c.signed_up_at), COUNT(*) "
            "FROM orders o JOIN customers c ON c.customer_id = o.customer_id GROUP BY 1, 2",
            "SELECT SUBSTR(o.ordered_at, 1, 4) || '-01-01', SUBSTR(c.signed_up_at, 1, 4) || "
            "'-01-01', COUNT(*) FROM orders o JOIN customers c ON c.customer_id = o.customer_id "
            "GROUP BY 1, 2");
    }

    void matchesHandWrittenSql()
    {
        QFETCH(QString, query);
        QFETCH(QString, expected);
        QFETCH(QString, expectedSqlite);
        QFETCH(bool, ordered);
        Result<SemanticQuery> q
            = SemanticQuery::fromJson(QJsonDocument::fromJson(query.toUtf8()).object());
        QVERIFY2(q.ok(), qPrintable(q.ok() ? QString() : q.error().toText()));
        QStringList sqliteRows;
        for (const QString &backend : {QStringLiteral("sqlite"), QStringLiteral("postgres")}) {
            for (const auto strategy : {SemanticSqlGenerator::MergeStrategy::FullJoin,
                                        SemanticSqlGenerator::MergeStrategy::KeyUnion}) {
                const auto compiled = m_engine->compile(*q, backend, strategy);
                QVERIFY2(compiled.ok(),
                         qPrintable(compiled.ok() ? QString() : compiled.error().toText()));
                const QueryResult ours = run(backend, compiled->sql);
                const QString reference
                    = backend == QLatin1String("sqlite") && !expectedSqlite.isEmpty()
                    ? expectedSqlite
                    : expected;
                const QueryResult theirs = run(backend, reference);
                QVERIFY2(!ours.columns.isEmpty(), qPrintable(compiled->sql));
                QVERIFY(!theirs.columns.isEmpty());
                QVERIFY(!ours.rows.isEmpty());
                const QStringList a = normalized(ours, ordered);
                const QStringList b = normalized(theirs, ordered);
                if (!sameRows(a, b)) {
                    qWarning("%s SQL:\n%s", qPrintable(backend), qPrintable(compiled->sql));
                    QCOMPARE(a, b);
                }
                if (backend == QLatin1String("sqlite"))
                    sqliteRows = a;
                else if (!sameRows(a, sqliteRows)) // PostgreSQL and SQLite agree
                    QCOMPARE(a, sqliteRows);
            }
        }
        m_results << QStringLiteral("%1: %2 rows")
                         .arg(QString::fromLatin1(QTest::currentDataTag()))
                         .arg(sqliteRows.size());
    }

    // The join an analyst writes first multiplies each order's payments by its
    // lines; the semantic query does not.
    void naiveJoinDoubleCounts()
    {
        const QString naive = QStringLiteral(
            "SELECT o.sales_channel, SUM(CASE WHEN p.status = 'captured' THEN p.amount END) FROM "
            "orders o JOIN order_items oi ON oi.order_id = o.order_id JOIN payments p ON "
            "p.order_id = o.order_id GROUP BY o.sales_channel");
        const QString correct = QStringLiteral(
            "SELECT o.sales_channel, SUM(CASE WHEN p.status = 'captured' THEN p.amount END) FROM "
            "payments p JOIN orders o ON o.order_id = p.order_id GROUP BY o.sales_channel");
        Result<SemanticQuery> q = SemanticQuery::fromJson(
            QJsonDocument::fromJson(
                R"j({"measures":["payments.captured_amount","order_items.units_sold"],"dimensions":["orders.sales_channel"]})j")
                .object());
        QVERIFY(q.ok());
        for (const QString &backend : {QStringLiteral("sqlite"), QStringLiteral("postgres")}) {
            const auto compiled = m_engine->compile(*q, backend);
            QVERIFY(compiled.ok());
            QVERIFY(compiled->plan.hasFanOut);
            const QueryResult ours = run(backend, compiled->sql);
            const QueryResult right = run(backend, correct);
            const QueryResult wrong = run(backend, naive);
            QCOMPARE(ours.rows.size(), right.rows.size());
            QMap<QString, double> expected, naiveTotals, semantic;
            for (const QVariantList &r : right.rows)
                expected.insert(r[0].toString(), r[1].toDouble());
            for (const QVariantList &r : wrong.rows)
                naiveTotals.insert(r[0].toString(), r[1].toDouble());
            for (const QVariantList &r : ours.rows)
                semantic.insert(r[0].toString(), r[1].toDouble());
            for (auto it = expected.cbegin(); it != expected.cend(); ++it) {
                QVERIFY(std::abs(semantic.value(it.key()) - it.value()) < 0.005);
                // The naive join inflates every channel's total.
                QVERIFY2(naiveTotals.value(it.key()) > it.value() * 1.2,
                         qPrintable(QStringLiteral("%1: naive %2 vs correct %3")
                                        .arg(it.key())
                                        .arg(naiveTotals.value(it.key()))
                                        .arg(it.value())));
            }
        }
    }

    void summary()
    {
        qInfo("%d semantic queries matched hand-written SQL on SQLite and PostgreSQL",
              int(m_results.size()));
    }
};

QTEST_GUILESS_MAIN(TestSlCorrectness)
#include "tst_slcorrectness.moc"
