#include "db/qtsqlsession.h"

#include "db/readonlysqlguard.h"
#include "db/sqlerrorclassifier.h"
#include "db/tablescope.h"

#include <QElapsedTimer>
#include <QJsonArray>
#include <QSqlError>
#include <QSqlField>
#include <QSqlQuery>
#include <QSqlRecord>

#include <algorithm>
#include <atomic>
#include <limits>

namespace ktx {

namespace {

QString nextConnectionName()
{
    static std::atomic_int counter {0};
    return QStringLiteral("ktx-%1").arg(++counter);
}

Error cancelled()
{
    return makeError(QStringLiteral("cancelled"), QStringLiteral("Introspection was cancelled."));
}

} // namespace

// Brackets one statement, execution and fetch, for the subclass' deadline.
class QtSqlSession::StatementScope
{
public:
    explicit StatementScope(QtSqlSession &session)
        : m_session(session)
    {
        m_session.beginStatement();
    }
    ~StatementScope() { m_session.endStatement(); }

private:
    QtSqlSession &m_session;
};

QtSqlSession::QtSqlSession(ConnectionSettings settings, const QString &qtDriver)
    : m_settings(std::move(settings))
    , m_dialect(SqlDialect::forDriver(m_settings.driver))
    , m_qtDriver(qtDriver)
    , m_connectionName(nextConnectionName())
{ }

QtSqlSession::~QtSqlSession()
{
    const bool registered = m_db.isValid();
    if (m_db.isOpen())
        m_db.close();
    // removeDatabase wants every handle to the connection gone first.
    m_db = QSqlDatabase();
    if (registered)
        QSqlDatabase::removeDatabase(m_connectionName);
}

Result<void> QtSqlSession::connect()
{
    if (!QSqlDatabase::isDriverAvailable(m_qtDriver))
        return SqlErrorClassifier::driverMissing(m_qtDriver, m_settings);
    if (Result<void> r = preflight(); !r.ok())
        return r;
    m_db = QSqlDatabase::addDatabase(m_qtDriver, m_connectionName);
    if (!m_db.isValid())
        return SqlErrorClassifier::driverMissing(m_qtDriver, m_settings);
    configure(m_db);
    if (Result<void> r = openDatabase(); !r.ok())
        return r;
    return afterOpen();
}

Result<void> QtSqlSession::openDatabase()
{
    if (!m_db.open())
        return SqlErrorClassifier::forOpen(m_db.lastError(), m_settings);
    return {};
}

QString QtSqlSession::placeholders(int count)
{
    QStringList marks;
    for (int i = 0; i < count; ++i)
        marks << QStringLiteral("?");
    return marks.join(QStringLiteral(", "));
}

Result<void> QtSqlSession::execPrepared(QSqlQuery &query, const QString &sql,
                                        const QVariantList &binds)
{
    query.setForwardOnly(true);
    bool ok = false;
    const QString prefix = statementPrefix();
    const QString text = prefix.isEmpty() ? sql : prefix + QLatin1Char(' ') + sql;
    if (binds.isEmpty()) {
        ok = query.exec(text);
    } else {
        ok = query.prepare(text);
        if (ok) {
            for (const QVariant &value : binds)
                query.addBindValue(value);
            ok = query.exec();
        }
    }
    if (!ok)
        return SqlErrorClassifier::forQuery(query.lastError(), m_settings);
    return {};
}

Result<QList<QVariantList>> QtSqlSession::select(const QString &sql, const QVariantList &binds)
{
    StatementScope statement(*this);
    QSqlQuery query(m_db);
    if (Result<void> r = execPrepared(query, sql, binds); !r.ok())
        return r.error();
    QList<QVariantList> rows;
    const int columns = query.record().count();
    while (query.next()) {
        QVariantList row;
        row.reserve(columns);
        for (int i = 0; i < columns; ++i)
            row << query.value(i);
        rows << row;
    }
    if (query.lastError().isValid())
        return SqlErrorClassifier::forQuery(query.lastError(), m_settings);
    return rows;
}

Result<void> QtSqlSession::execute(const QString &sql)
{
    StatementScope statement(*this);
    QSqlQuery query(m_db);
    return execPrepared(query, sql, {});
}

QStringList QtSqlSession::resultColumnNames(const QSqlQuery &query) const
{
    QStringList names;
    const QSqlRecord record = query.record();
    for (int i = 0; i < record.count(); ++i)
        names << record.fieldName(i);
    return names;
}

QString QtSqlSession::resultColumnType(const QSqlField &field) const
{
    switch (field.metaType().id()) {
    case QMetaType::Bool:
        return QStringLiteral("boolean");
    case QMetaType::Short:
    case QMetaType::UShort:
    case QMetaType::Int:
    case QMetaType::UInt:
        return QStringLiteral("integer");
    case QMetaType::LongLong:
    case QMetaType::ULongLong:
        return QStringLiteral("bigint");
    case QMetaType::Float:
    case QMetaType::Double:
        return QStringLiteral("double");
    case QMetaType::QString:
        return QStringLiteral("text");
    case QMetaType::QByteArray:
        return QStringLiteral("blob");
    case QMetaType::QDate:
        return QStringLiteral("date");
    case QMetaType::QTime:
        return QStringLiteral("time");
    case QMetaType::QDateTime:
        return QStringLiteral("timestamp");
    default:
        return field.metaType().isValid() ? QString::fromLatin1(field.metaType().name())
                                          : QString();
    }
}

Result<QueryResult> QtSqlSession::query(const QString &sql, int maxRows)
{
    Result<QString> cleaned = ReadOnlySqlGuard::check(sql, m_settings.driver);
    if (!cleaned.ok())
        return cleaned.error();
    if (maxRows < 1)
        return makeError(QStringLiteral("invalid_argument"),
                         QStringLiteral("maxRows must be at least 1 (got %1).").arg(maxRows));

    QElapsedTimer timer;
    timer.start();
    // One row more than asked tells whether the result was cut.
    maxRows = std::min(maxRows, std::numeric_limits<int>::max() - 1);
    const QString wrapped = m_dialect->limitQuery(*cleaned, maxRows + 1);
    StatementScope statement(*this);
    QSqlQuery q(m_db);
    if (Result<void> r = execPrepared(q, wrapped, {}); !r.ok()) {
        if (!retryWithoutLimitWrapper(q.lastError()))
            return r.error();
        // The cap is then applied while fetching.
        q = QSqlQuery(m_db);
        if (Result<void> again = execPrepared(q, *cleaned, {}); !again.ok())
            return again.error();
    }

    QueryResult result;
    const QSqlRecord record = q.record();
    result.columns = resultColumnNames(q);
    for (int i = 0; i < record.count(); ++i)
        result.columnTypes << resultColumnType(record.field(i));
    while (q.next()) {
        if (result.rows.size() == maxRows) {
            result.truncated = true;
            break;
        }
        QVariantList row;
        row.reserve(record.count());
        for (int i = 0; i < record.count(); ++i)
            row << q.value(i);
        result.rows << row;
    }
    if (q.lastError().isValid())
        return SqlErrorClassifier::forQuery(q.lastError(), m_settings);
    result.elapsedMs = timer.elapsed();
    return result;
}

bool QtSqlSession::wantsExactCount(const SchemaTable &table) const
{
    // COUNT(*) is cheap below ~100k rows; above, the catalog estimate will do.
    return table.kind == QLatin1String("table")
        && (!table.estimatedRows || *table.estimatedRows < 100000);
}

bool QtSqlSession::countRows(const QList<SchemaTable *> &tables, QStringList &warnings,
                             const CancellationToken &cancel)
{
    auto record = [](SchemaTable &table, qint64 count) {
        table.exactRows = count;
        // No statistics (SQLite, a never-analyzed table): the count is the best estimate.
        if (!table.estimatedRows)
            table.estimatedRows = count;
    };
    // One round trip per batch (2,000 tables: 40 queries, not 2,000); a batch
    // that fails is counted table by table, so one unreadable or dropped table
    // costs only its own count, as a warning.
    constexpr int batchSize = 50;
    for (qsizetype start = 0; start < tables.size(); start += batchSize) {
        if (cancel.isCancelled())
            return false;
        const QList<SchemaTable *> batch = tables.mid(start, batchSize);
        QStringList parts;
        for (int i = 0; i < batch.size(); ++i)
            parts << QStringLiteral("SELECT %1, COUNT(*) FROM %2")
                         .arg(i)
                         .arg(m_dialect->formatTable(batch[i]->ref));
        Result<QList<QVariantList>> counts = select(parts.join(QStringLiteral(" UNION ALL ")));
        if (counts.ok() && counts->size() == batch.size()) {
            for (const QVariantList &row : std::as_const(*counts))
                record(*batch.value(row.value(0).toInt()), row.value(1).toLongLong());
            continue;
        }
        for (SchemaTable *table : batch) {
            if (cancel.isCancelled())
                return false;
            Result<QList<QVariantList>> count = select(QStringLiteral("SELECT COUNT(*) FROM ")
                                                       + m_dialect->formatTable(table->ref));
            if (count.ok() && !count->isEmpty())
                record(*table, count->constFirst().value(0).toLongLong());
            else if (!count.ok())
                warnings << QStringLiteral("Could not count the rows of %1: %2")
                                .arg(table->ref.displayName(), count.error().message);
        }
    }
    return true;
}

Result<SchemaSnapshot> QtSqlSession::introspect(const CancellationToken &cancel)
{
    if (cancel.isCancelled())
        return cancelled();
    SchemaSnapshot snapshot;
    snapshot.connectionId = m_settings.connectionId;
    snapshot.driver = m_settings.driver;
    snapshot.extractedAt = QDateTime::currentDateTimeUtc();

    Result<QList<SchemaTable>> catalog = readCatalog(snapshot.warnings, cancel);
    if (!catalog.ok())
        return catalog.error();
    if (cancel.isCancelled())
        return cancelled();
    Result<QList<SchemaTable>> scoped
        = TableScope(m_settings.enabledTables, m_settings.excludedTables)
              .apply(*catalog, m_settings.connectionId, snapshot.warnings);
    if (!scoped.ok())
        return scoped.error();
    snapshot.tables = std::move(*scoped);
    std::sort(snapshot.tables.begin(), snapshot.tables.end(),
              [](const SchemaTable &a, const SchemaTable &b) {
                  if (a.ref.db != b.ref.db)
                      return a.ref.db < b.ref.db;
                  return a.ref.name < b.ref.name;
              });

    int totalColumns = 0;
    QList<SchemaTable *> toCount;
    for (SchemaTable &table : snapshot.tables) {
        totalColumns += table.columns.size();
        if (wantsExactCount(table))
            toCount << &table;
    }
    if (!countRows(toCount, snapshot.warnings, cancel))
        return cancelled();

    QJsonArray schemas;
    for (const QString &schema : std::as_const(m_settings.schemas))
        schemas.append(schema);
    QJsonArray enabled;
    for (const QString &entry : std::as_const(m_settings.enabledTables))
        enabled.append(entry);
    if (!schemas.isEmpty())
        snapshot.scope.insert(QStringLiteral("schemas"), schemas);
    if (!enabled.isEmpty())
        snapshot.scope.insert(QStringLiteral("enabledTables"), enabled);
    if (!m_settings.excludedTables.isEmpty())
        snapshot.scope.insert(QStringLiteral("excludedTables"),
                              QJsonArray::fromStringList(m_settings.excludedTables));
    snapshot.metadata = metadata();
    snapshot.metadata.insert(QStringLiteral("table_count"), int(snapshot.tables.size()));
    snapshot.metadata.insert(QStringLiteral("total_columns"), totalColumns);
    return snapshot;
}

SchemaColumn QtSqlSession::column(const QString &name, const QString &nativeType, bool nullable,
                                  const QString &comment) const
{
    SchemaColumn c;
    c.name = name;
    c.nativeType = nativeType;
    c.normalizedType = dialect().normalizedType(nativeType);
    c.dimensionType = dialect().dimensionType(nativeType);
    c.nullable = nullable;
    c.comment = comment;
    return c;
}

} // namespace ktx
