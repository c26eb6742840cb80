// The demo warehouse: what it is for and where its traps are.
//
// The desktop's first-run demo needs a database that behaves like a real one, so that
// scans, relationship discovery and the agent have something honest to chew on. The
// business is a small coffee roaster (web shop + coffee subscriptions), 2024-2025.
//
// Keys. Only four foreign keys are DECLARED (REFERENCES): customers.region_id,
// products.category_id, orders.customer_id and order_items.order_id. All other
// relationships are IMPLICIT - matching column names and values but no constraint -
// so relationship discovery has work to do:
//   customers.referred_by_customer_id      -> customers.customer_id (self, NULL = not referred)
//   product_categories.parent_category_id  -> product_categories.category_id (self, NULL = top)
//   order_items.product_id                 -> products.product_id
//   payments.order_id                      -> orders.order_id
//   refunds.payment_id                     -> payments.payment_id
//   shipments.order_id                     -> orders.order_id
//   subscriptions.customer_id              -> customers.customer_id
//   subscriptions.plan_code                -> plans.plan_code (TEXT key)
//   marketing_events.campaign_id           -> marketing_campaigns.campaign_id
//   marketing_events.customer_id           -> customers.customer_id (NULL = anonymous visitor)
//   marketing_events.order_id              -> orders.order_id (purchase events only)
//   support_tickets.customer_id            -> customers.customer_id
//   support_tickets.order_id               -> orders.order_id (NULL = not about an order)
// Every implicit value has its target: there are no orphans, only NULLs. The test
// (tests/runtime/demo) checks this.
//
// Traps, on purpose:
// - Fan trap: orders -> order_items (1:N) and orders -> payments (1:N: declined card then
//   retry, or "pay_in_2" installments). SUM(payments.amount) over
//   orders JOIN order_items JOIN payments counts each payment once per line item.
//   Aggregate each side to order grain first. shipments (split parcels) fan out too.
// - Chasm trap: orders and support_tickets are two facts that share only the customers
//   dimension. Counting over customers JOIN orders JOIN support_tickets multiplies
//   each customer's orders by their tickets.
//
// Conventions. Money is REAL in US dollars, always a whole number of cents (computed
// from integer cents, so it is exact to the cent; round sums to 2 decimals). Dates are
// TEXT 'YYYY-MM-DD' (*_on columns), timestamps TEXT 'YYYY-MM-DD HH:MM:SS' (*_at
// columns). The same seed gives the same rows everywhere: see DemoRandom.

#include "demo/demowarehouse.h"

#include "demo/demodataset.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QStringList>
#include <QTemporaryFile>

#include <sqlite3.h>

#include <cstdio>
#include <optional>

#include <fcntl.h>
#include <unistd.h>

namespace ktx {

namespace {

using Day = DemoDataSet::Day;
using Moment = DemoDataSet::Moment;

struct TableSpec
{
    const char *name;
    const char *createSql;
};

// Creation order; parents before children so the declared keys read naturally.
const TableSpec kTables[] = {
    {"regions", R"(CREATE TABLE regions (
    region_id INTEGER PRIMARY KEY,
    region_name TEXT NOT NULL,
    country_code TEXT NOT NULL,
    sales_territory TEXT NOT NULL
))"},
    {"customers", R"(CREATE TABLE customers (
    customer_id INTEGER PRIMARY KEY,
    first_name TEXT NOT NULL,
    last_name TEXT NOT NULL,
    email TEXT NOT NULL UNIQUE,
    region_id INTEGER NOT NULL REFERENCES regions (region_id),
    signed_up_at TEXT NOT NULL,
    acquisition_channel TEXT NOT NULL,
    referred_by_customer_id INTEGER,
    customer_type TEXT NOT NULL,
    marketing_opt_in INTEGER NOT NULL
))"},
    {"product_categories", R"(CREATE TABLE product_categories (
    category_id INTEGER PRIMARY KEY,
    category_name TEXT NOT NULL,
    parent_category_id INTEGER
))"},
    {"products", R"(CREATE TABLE products (
    product_id INTEGER PRIMARY KEY,
    sku TEXT NOT NULL UNIQUE,
    product_name TEXT NOT NULL,
    category_id INTEGER NOT NULL REFERENCES product_categories (category_id),
    unit_price REAL NOT NULL,
    unit_cost REAL NOT NULL,
    launched_on TEXT NOT NULL,
    discontinued_on TEXT
))"},
    {"orders", R"(CREATE TABLE orders (
    order_id INTEGER PRIMARY KEY,
    customer_id INTEGER NOT NULL REFERENCES customers (customer_id),
    ordered_at TEXT NOT NULL,
    status TEXT NOT NULL,
    sales_channel TEXT NOT NULL,
    coupon_code TEXT,
    shipping_fee REAL NOT NULL,
    cancelled_at TEXT
))"},
    {"order_items", R"(CREATE TABLE order_items (
    order_item_id INTEGER PRIMARY KEY,
    order_id INTEGER NOT NULL REFERENCES orders (order_id),
    product_id INTEGER NOT NULL,
    quantity INTEGER NOT NULL,
    unit_price REAL NOT NULL,
    discount_amount REAL NOT NULL
))"},
    {"payments", R"(CREATE TABLE payments (
    payment_id INTEGER PRIMARY KEY,
    order_id INTEGER NOT NULL,
    paid_at TEXT NOT NULL,
    payment_method TEXT NOT NULL,
    installment_number INTEGER NOT NULL,
    amount REAL NOT NULL,
    status TEXT NOT NULL
))"},
    {"refunds", R"(CREATE TABLE refunds (
    refund_id INTEGER PRIMARY KEY,
    payment_id INTEGER NOT NULL,
    refunded_at TEXT NOT NULL,
    amount REAL NOT NULL,
    reason TEXT NOT NULL
))"},
    {"plans", R"(CREATE TABLE plans (
    plan_code TEXT NOT NULL PRIMARY KEY,
    plan_name TEXT NOT NULL,
    billing_interval TEXT NOT NULL,
    price REAL NOT NULL,
    bags_per_month INTEGER NOT NULL,
    launched_on TEXT NOT NULL
))"},
    {"subscriptions", R"(CREATE TABLE subscriptions (
    subscription_id INTEGER PRIMARY KEY,
    customer_id INTEGER NOT NULL,
    plan_code TEXT NOT NULL,
    status TEXT NOT NULL,
    started_on TEXT NOT NULL,
    cancelled_on TEXT,
    cancel_reason TEXT,
    mrr REAL NOT NULL
))"},
    {"marketing_campaigns", R"(CREATE TABLE marketing_campaigns (
    campaign_id INTEGER PRIMARY KEY,
    campaign_name TEXT NOT NULL,
    channel TEXT NOT NULL,
    started_on TEXT NOT NULL,
    ended_on TEXT NOT NULL,
    budget REAL NOT NULL
))"},
    {"marketing_events", R"(CREATE TABLE marketing_events (
    event_id INTEGER PRIMARY KEY,
    campaign_id INTEGER NOT NULL,
    customer_id INTEGER,
    order_id INTEGER,
    event_type TEXT NOT NULL,
    occurred_at TEXT NOT NULL,
    device TEXT NOT NULL
))"},
    {"support_tickets", R"(CREATE TABLE support_tickets (
    ticket_id INTEGER PRIMARY KEY,
    customer_id INTEGER NOT NULL,
    order_id INTEGER,
    opened_at TEXT NOT NULL,
    closed_at TEXT,
    category TEXT NOT NULL,
    priority TEXT NOT NULL,
    status TEXT NOT NULL,
    channel TEXT NOT NULL,
    satisfaction_score INTEGER
))"},
    {"shipments", R"(CREATE TABLE shipments (
    shipment_id INTEGER PRIMARY KEY,
    order_id INTEGER NOT NULL,
    carrier TEXT NOT NULL,
    tracking_number TEXT NOT NULL,
    shipped_at TEXT NOT NULL,
    delivered_at TEXT,
    status TEXT NOT NULL
))"},
};

// Indexes a real shop would have for its hot lookups; built after the bulk insert.
const char *const kIndexes[] = {
    "CREATE INDEX idx_orders_customer_id ON orders (customer_id)",
    "CREATE INDEX idx_order_items_order_id ON order_items (order_id)",
    "CREATE INDEX idx_payments_order_id ON payments (order_id)",
    "CREATE INDEX idx_shipments_order_id ON shipments (order_id)",
    "CREATE INDEX idx_support_tickets_customer_id ON support_tickets (customer_id)",
};

Error sqliteError(sqlite3 *db, const QString &path, const char *what)
{
    return makeError(QStringLiteral("write_failed"),
                     QStringLiteral("Cannot write the demo warehouse %1 (%2): %3.")
                         .arg(path, QString::fromUtf8(what),
                              QString::fromUtf8(db ? sqlite3_errmsg(db) : "out of memory")),
                     QStringLiteral("Check the free disk space and the folder's permissions."));
}

Error cancelledError()
{
    return makeError(QStringLiteral("cancelled"),
                     QStringLiteral("Generating the demo warehouse was cancelled."));
}

// Binds one row positionally (columns in CREATE TABLE order) and inserts it.
class RowInserter
{
public:
    explicit RowInserter(sqlite3 *db)
        : m_db(db)
    { }
    ~RowInserter() { sqlite3_finalize(m_stmt); }
    RowInserter(const RowInserter &) = delete;
    RowInserter &operator=(const RowInserter &) = delete;

    bool prepare(const char *table)
    {
        sqlite3_stmt *probe = nullptr;
        const QByteArray select = QByteArray("SELECT * FROM ") + table;
        if (sqlite3_prepare_v2(m_db, select.constData(), -1, &probe, nullptr) != SQLITE_OK)
            return false;
        m_columns = sqlite3_column_count(probe);
        sqlite3_finalize(probe);

        QByteArray insert = QByteArray("INSERT INTO ") + table + " VALUES (";
        for (int i = 0; i < m_columns; ++i)
            insert += i ? ", ?" : "?";
        insert += ')';
        return sqlite3_prepare_v2(m_db, insert.constData(), -1, &m_stmt, nullptr) == SQLITE_OK;
    }

    RowInserter &integer(qint64 value)
    {
        return check(sqlite3_bind_int64(m_stmt, ++m_bound, value));
    }
    RowInserter &integer(const std::optional<qint64> &value)
    {
        return value ? integer(*value) : null();
    }
    RowInserter &money(qint64 cents)
    {
        return check(sqlite3_bind_double(m_stmt, ++m_bound, double(cents) / 100.0));
    }
    RowInserter &text(const QByteArray &value)
    {
        return check(sqlite3_bind_text(m_stmt, ++m_bound, value.constData(), int(value.size()),
                                       SQLITE_TRANSIENT));
    }
    RowInserter &text(const std::optional<QByteArray> &value)
    {
        return value ? text(*value) : null();
    }
    RowInserter &date(Day day) { return text(DemoDataSet::dateText(day)); }
    RowInserter &date(const std::optional<Day> &day) { return day ? date(*day) : null(); }
    RowInserter &moment(Moment moment) { return text(DemoDataSet::momentText(moment)); }
    RowInserter &moment(const std::optional<Moment> &moment)
    {
        return moment ? this->moment(*moment) : null();
    }
    RowInserter &null() { return check(sqlite3_bind_null(m_stmt, ++m_bound)); }

    // Inserts the bound row; false on an SQLite error or a column-count mismatch.
    bool insert()
    {
        const bool complete = m_ok && m_bound == m_columns;
        const bool stepped = complete && sqlite3_step(m_stmt) == SQLITE_DONE;
        sqlite3_reset(m_stmt);
        m_bound = 0;
        return stepped;
    }

private:
    RowInserter &check(int rc)
    {
        m_ok = m_ok && rc == SQLITE_OK;
        return *this;
    }

    sqlite3 *m_db;
    sqlite3_stmt *m_stmt = nullptr;
    int m_columns = 0;
    int m_bound = 0;
    bool m_ok = true;
};

void bindRow(RowInserter &r, const DemoDataSet::Region &v)
{
    r.integer(v.id).text(v.name).text(v.countryCode).text(v.salesTerritory);
}
void bindRow(RowInserter &r, const DemoDataSet::Customer &v)
{
    r.integer(v.id).text(v.firstName).text(v.lastName).text(v.email).integer(v.regionId);
    r.moment(v.signedUpAt).text(v.acquisitionChannel).integer(v.referredByCustomerId);
    r.text(v.customerType).integer(v.marketingOptIn ? 1 : 0);
}
void bindRow(RowInserter &r, const DemoDataSet::ProductCategory &v)
{
    r.integer(v.id).text(v.name).integer(v.parentCategoryId);
}
void bindRow(RowInserter &r, const DemoDataSet::Product &v)
{
    r.integer(v.id).text(v.sku).text(v.name).integer(v.categoryId).money(v.unitPriceCents);
    r.money(v.unitCostCents).date(v.launchedOn).date(v.discontinuedOn);
}
void bindRow(RowInserter &r, const DemoDataSet::Order &v)
{
    r.integer(v.id).integer(v.customerId).moment(v.orderedAt).text(v.status).text(v.salesChannel);
    r.text(v.couponCode).money(v.shippingFeeCents).moment(v.cancelledAt);
}
void bindRow(RowInserter &r, const DemoDataSet::OrderItem &v)
{
    r.integer(v.id).integer(v.orderId).integer(v.productId).integer(v.quantity);
    r.money(v.unitPriceCents).money(v.discountCents);
}
void bindRow(RowInserter &r, const DemoDataSet::Payment &v)
{
    r.integer(v.id).integer(v.orderId).moment(v.paidAt).text(v.paymentMethod);
    r.integer(v.installmentNumber).money(v.amountCents).text(v.status);
}
void bindRow(RowInserter &r, const DemoDataSet::Refund &v)
{
    r.integer(v.id).integer(v.paymentId).moment(v.refundedAt).money(v.amountCents).text(v.reason);
}
void bindRow(RowInserter &r, const DemoDataSet::Plan &v)
{
    r.text(v.code).text(v.name).text(v.billingInterval).money(v.priceCents);
    r.integer(v.bagsPerMonth).date(v.launchedOn);
}
void bindRow(RowInserter &r, const DemoDataSet::Subscription &v)
{
    r.integer(v.id).integer(v.customerId).text(v.planCode).text(v.status).date(v.startedOn);
    r.date(v.cancelledOn).text(v.cancelReason).money(v.mrrCents);
}
void bindRow(RowInserter &r, const DemoDataSet::MarketingCampaign &v)
{
    r.integer(v.id).text(v.name).text(v.channel).date(v.startedOn).date(v.endedOn);
    r.money(v.budgetCents);
}
void bindRow(RowInserter &r, const DemoDataSet::MarketingEvent &v)
{
    r.integer(v.id).integer(v.campaignId).integer(v.customerId).integer(v.orderId);
    r.text(v.eventType).moment(v.occurredAt).text(v.device);
}
void bindRow(RowInserter &r, const DemoDataSet::SupportTicket &v)
{
    r.integer(v.id).integer(v.customerId).integer(v.orderId).moment(v.openedAt);
    r.moment(v.closedAt).text(v.category).text(v.priority).text(v.status).text(v.channel);
    r.integer(v.satisfactionScore);
}
void bindRow(RowInserter &r, const DemoDataSet::Shipment &v)
{
    r.integer(v.id).integer(v.orderId).text(v.carrier).text(v.trackingNumber);
    r.moment(v.shippedAt).moment(v.deliveredAt).text(v.status);
}

class DatabaseWriter
{
public:
    DatabaseWriter(const QString &path, const CancellationToken &cancellation)
        : m_path(path)
        , m_cancellation(cancellation)
    { }
    ~DatabaseWriter() { sqlite3_close(m_db); }
    DatabaseWriter(const DatabaseWriter &) = delete;
    DatabaseWriter &operator=(const DatabaseWriter &) = delete;

    Result<QList<DemoWarehouse::TableRowCount>> write(const DemoDataSet &data)
    {
        const QByteArray nativePath = QFile::encodeName(m_path);
        if (sqlite3_open_v2(nativePath.constData(), &m_db,
                            SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, nullptr)
            != SQLITE_OK)
            return sqliteError(m_db, m_path, "open");
        // The file is private until it is renamed into place, so neither a journal nor
        // fsync per commit buys anything; the caller fsyncs once before the rename.
        if (!exec("PRAGMA journal_mode = OFF") || !exec("PRAGMA synchronous = OFF")
            || !exec("PRAGMA user_version = 1") || !exec("BEGIN"))
            return sqliteError(m_db, m_path, "setup");
        for (const TableSpec &table : kTables) {
            if (!exec(table.createSql))
                return sqliteError(m_db, m_path, table.name);
        }

        QList<DemoWarehouse::TableRowCount> counts;
        bool ok = writeTable("regions", data.regions, counts)
            && writeTable("customers", data.customers, counts)
            && writeTable("product_categories", data.productCategories, counts)
            && writeTable("products", data.products, counts)
            && writeTable("orders", data.orders, counts)
            && writeTable("order_items", data.orderItems, counts)
            && writeTable("payments", data.payments, counts)
            && writeTable("refunds", data.refunds, counts)
            && writeTable("plans", data.plans, counts)
            && writeTable("subscriptions", data.subscriptions, counts)
            && writeTable("marketing_campaigns", data.marketingCampaigns, counts)
            && writeTable("marketing_events", data.marketingEvents, counts)
            && writeTable("support_tickets", data.supportTickets, counts)
            && writeTable("shipments", data.shipments, counts);
        if (m_cancelled)
            return cancelledError();
        if (!ok)
            return sqliteError(m_db, m_path, m_failedTable);
        for (const char *index : kIndexes) {
            if (!exec(index))
                return sqliteError(m_db, m_path, "index");
        }
        if (!exec("COMMIT"))
            return sqliteError(m_db, m_path, "commit");
        if (sqlite3_close(m_db) != SQLITE_OK)
            return sqliteError(m_db, m_path, "close");
        m_db = nullptr;
        return counts;
    }

private:
    bool exec(const char *sql)
    {
        return sqlite3_exec(m_db, sql, nullptr, nullptr, nullptr) == SQLITE_OK;
    }

    template<typename Row>
    bool writeTable(const char *table, const std::vector<Row> &rows,
                    QList<DemoWarehouse::TableRowCount> &counts)
    {
        m_failedTable = table;
        RowInserter inserter(m_db);
        if (!inserter.prepare(table))
            return false;
        qint64 written = 0;
        for (const Row &row : rows) {
            if ((written & 1023) == 0 && m_cancellation.isCancelled()) {
                m_cancelled = true;
                return false;
            }
            bindRow(inserter, row);
            if (!inserter.insert())
                return false;
            ++written;
        }
        counts.append({QString::fromLatin1(table), written});
        return true;
    }

    QString m_path;
    CancellationToken m_cancellation;
    sqlite3 *m_db = nullptr;
    const char *m_failedTable = "";
    bool m_cancelled = false;
};

bool syncPath(const QString &path, bool directory)
{
    const QByteArray native = QFile::encodeName(path);
    const int fd
        = ::open(native.constData(), (directory ? O_RDONLY | O_DIRECTORY : O_RDWR) | O_CLOEXEC);
    if (fd < 0)
        return false;
    const bool synced = ::fsync(fd) == 0;
    ::close(fd);
    return synced;
}

Error existsError(const QString &path)
{
    return makeError(QStringLiteral("demo_warehouse_exists"),
                     QStringLiteral("%1 already exists; the demo warehouse is not written over it.")
                         .arg(QDir::toNativeSeparators(path)),
                     QStringLiteral("Delete or move the file first, or choose another location."));
}

Error writeFailed(const QString &message)
{
    return makeError(
        QStringLiteral("write_failed"), message,
        QStringLiteral("Check that you may write there and that the disk is not full."));
}

} // namespace

qint64 DemoWarehouse::Summary::rowCount(QStringView table) const
{
    for (const TableRowCount &t : tables) {
        if (t.table == table)
            return t.rows;
    }
    return -1;
}

QStringList DemoWarehouse::tableNames()
{
    QStringList names;
    for (const TableSpec &t : kTables)
        names.append(QString::fromLatin1(t.name));
    return names;
}

Result<DemoWarehouse::Summary> DemoWarehouse::generate(const QString &sqlitePath, quint64 seed)
{
    Options options;
    options.seed = seed;
    return generate(sqlitePath, options);
}

Result<DemoWarehouse::Summary> DemoWarehouse::generate(const QString &sqlitePath,
                                                       const Options &options)
{
    if (sqlitePath.isEmpty())
        return writeFailed(QStringLiteral("No path was given for the demo warehouse."));
    const QFileInfo target(sqlitePath);
    const QString targetPath = target.absoluteFilePath();
    if (target.isDir())
        return writeFailed(QStringLiteral("%1 is a folder, not a database file.")
                               .arg(QDir::toNativeSeparators(targetPath)));
    if (target.exists() && !options.overwrite)
        return existsError(targetPath);

    const QString dirPath = target.absolutePath();
    if (options.createParentDirectories && !QDir().mkpath(dirPath))
        return writeFailed(
            QStringLiteral("Cannot create the folder %1.").arg(QDir::toNativeSeparators(dirPath)));

    // Reserve a unique temporary name next to the target (same file system, so the
    // final rename is atomic). It is removed again unless the rename succeeds.
    QTemporaryFile temporary(dirPath + QStringLiteral("/.") + target.fileName()
                             + QStringLiteral(".XXXXXX.tmp"));
    if (!temporary.open())
        return writeFailed(QStringLiteral("Cannot create a temporary file in %1: %2.")
                               .arg(QDir::toNativeSeparators(dirPath), temporary.errorString()));
    const QString temporaryPath = temporary.fileName();
    temporary.close();
    // QTemporaryFile creates 0600; a warehouse is an ordinary file other tools may read.
    temporary.setPermissions(QFileDevice::ReadOwner | QFileDevice::WriteOwner
                             | QFileDevice::ReadGroup | QFileDevice::ReadOther);

    const DemoDataSet data = DemoDataSet::build(options.seed);
    if (options.cancellation.isCancelled())
        return cancelledError();

    Result<QList<TableRowCount>> counts
        = DatabaseWriter(temporaryPath, options.cancellation).write(data);
    if (!counts)
        return counts.error();
    if (!syncPath(temporaryPath, false))
        return writeFailed(QStringLiteral("Cannot flush %1 to disk.")
                               .arg(QDir::toNativeSeparators(temporaryPath)));

    if (options.overwrite) {
        // A journal left by a crash of the old database would be replayed into the new
        // one on first open; it belongs to the file being replaced, so drop it.
        for (const char *suffix : {"-journal", "-wal", "-shm"})
            QFile::remove(targetPath + QLatin1String(suffix));
        if (std::rename(QFile::encodeName(temporaryPath).constData(),
                        QFile::encodeName(targetPath).constData())
            != 0)
            return writeFailed(QStringLiteral("Cannot move the demo warehouse into place at %1.")
                                   .arg(QDir::toNativeSeparators(targetPath)));
    } else if (!QFile::rename(temporaryPath, targetPath)) {
        // QFile::rename never replaces an existing file, so a file that appeared while
        // we were generating is left alone.
        if (QFileInfo::exists(targetPath))
            return existsError(targetPath);
        return writeFailed(QStringLiteral("Cannot move the demo warehouse into place at %1.")
                               .arg(QDir::toNativeSeparators(targetPath)));
    }
    temporary.setAutoRemove(false);
    syncPath(dirPath, true);

    Summary summary;
    summary.path = targetPath;
    summary.seed = options.seed;
    summary.tables = std::move(counts.value());
    for (const TableRowCount &t : summary.tables)
        summary.totalRows += t.rows;
    return summary;
}

} // namespace ktx
