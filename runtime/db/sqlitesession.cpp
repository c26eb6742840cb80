#include "db/sqlitesession.h"

#include "db/sqlerrorclassifier.h"

#include <QFileInfo>
#include <QJsonArray>
#include <QSqlDriver>
#include <QSqlError>
#include <QSqlQuery>
#include <QSqlResult>

#include <sqlite3.h>

namespace ktx {

SqliteSession::SqliteSession(const ConnectionSettings &settings)
    : QtSqlSession(settings, QStringLiteral("QSQLITE"))
{ }

Result<void> SqliteSession::preflight()
{
    // Checked before the driver runs: even a read-only open must never leave a
    // new empty file behind a typo.
    const QFileInfo file(settings().path);
    if (!file.exists())
        return makeError(QStringLiteral("file_missing"),
                         QStringLiteral("The SQLite file %1 does not exist: check "
                                        "connections.%2.path.")
                             .arg(settings().path, settings().connectionId),
                         QStringLiteral("Relative paths are resolved against the project folder."));
    if (!file.isFile())
        return makeError(QStringLiteral("connection_failed"),
                         QStringLiteral("%1 is a folder, not a file: check connections.%2.path "
                                        "(it must name a SQLite database file).")
                             .arg(settings().path, settings().connectionId));
    if (!file.isReadable())
        return makeError(QStringLiteral("permission_denied"),
                         QStringLiteral("The SQLite file %1 is not readable by this user: check "
                                        "its permissions.")
                             .arg(settings().path));
    return {};
}

void SqliteSession::configure(QSqlDatabase &db)
{
    db.setDatabaseName(settings().path);
    db.setConnectOptions(QStringLiteral("QSQLITE_OPEN_READONLY;QSQLITE_BUSY_TIMEOUT=5000"));
}

Result<void> SqliteSession::afterOpen()
{
    const QVariant handle = database().driver()->handle();
    if (handle.isValid() && qstrcmp(handle.typeName(), "sqlite3*") == 0)
        m_handle = *static_cast<sqlite3 *const *>(handle.constData());
    if (m_handle)
        sqlite3_progress_handler(m_handle, 1000, &SqliteSession::progress, this);

    // The first read tells a database from any other file.
    QSqlQuery probe(database());
    if (!probe.exec(QStringLiteral("SELECT count(*) FROM sqlite_master")))
        return SqlErrorClassifier::forOpen(probe.lastError(), settings());
    // Belt and braces over the read-only open: also refuses writes to temp and
    // attached databases.
    return execute(QStringLiteral("PRAGMA query_only = ON"));
}

int SqliteSession::progress(void *session)
{
    return static_cast<SqliteSession *>(session)->m_deadline.hasExpired() ? 1 : 0;
}

void SqliteSession::beginStatement()
{
    m_deadline.setRemainingTime(settings().statementTimeoutMs);
}

void SqliteSession::endStatement()
{
    m_deadline = QDeadlineTimer(QDeadlineTimer::Forever);
}

bool SqliteSession::wantsExactCount(const SchemaTable &table) const
{
    return table.kind == QLatin1String("table");
}

Result<QList<SchemaTable>> SqliteSession::readCatalog(QStringList &warnings,
                                                      const CancellationToken &cancel)
{
    Result<QList<QVariantList>> objects = select(
        QStringLiteral("SELECT type, name FROM sqlite_master WHERE type IN ('table', 'view') "
                       "AND name NOT LIKE 'sqlite\\_%' ESCAPE '\\' ORDER BY name"));
    if (!objects.ok())
        return objects.error();

    QList<SchemaTable> tables;
    for (const QVariantList &object : std::as_const(*objects)) {
        if (cancel.isCancelled())
            return tables;
        SchemaTable table;
        table.ref = TableRef {QString(), QStringLiteral("main"), object.at(1).toString()};
        table.kind = object.at(0).toString() == QLatin1String("view") ? QStringLiteral("view")
                                                                      : QStringLiteral("table");
        Result<QList<QVariantList>> columns
            = select(QStringLiteral("SELECT name, type, \"notnull\", pk FROM pragma_table_info(?)"),
                     {table.ref.name});
        if (!columns.ok()) {
            // A view over a dropped table cannot be described; the rest can.
            warnings << QStringLiteral("Could not read the columns of %1: %2")
                            .arg(table.ref.name, columns.error().message);
            continue;
        }
        for (const QVariantList &c : std::as_const(*columns)) {
            const bool primaryKey = c.at(3).toInt() > 0;
            // A key column cannot usefully be NULL even where SQLite would allow it.
            SchemaColumn described = column(c.at(0).toString(), c.at(1).toString(),
                                            c.at(2).toInt() == 0 && !primaryKey);
            described.primaryKey = primaryKey;
            table.columns << described;
        }

        Result<QList<QVariantList>> keys
            = select(QStringLiteral("SELECT id, seq, \"table\", \"from\", \"to\" "
                                    "FROM pragma_foreign_key_list(?) ORDER BY id, seq"),
                     {table.ref.name});
        if (!keys.ok()) {
            warnings << QStringLiteral("Could not read the foreign keys of %1: %2")
                            .arg(table.ref.name, keys.error().message);
        } else {
            QHash<QString, QStringList> targetKeys; // implicit "REFERENCES t" means t's key
            for (const QVariantList &k : std::as_const(*keys)) {
                SchemaForeignKey key;
                key.fromColumn = k.at(3).toString();
                key.toDb = QStringLiteral("main");
                key.toTable = k.at(2).toString();
                key.toColumn = k.at(4).toString();
                if (key.toColumn.isEmpty()) {
                    if (!targetKeys.contains(key.toTable)) {
                        Result<QList<QVariantList>> pk = select(
                            QStringLiteral("SELECT name FROM pragma_table_info(?) WHERE pk > 0 "
                                           "ORDER BY pk"),
                            {key.toTable});
                        QStringList names;
                        if (pk.ok()) {
                            for (const QVariantList &row : std::as_const(*pk))
                                names << row.at(0).toString();
                        }
                        targetKeys.insert(key.toTable, names);
                    }
                    key.toColumn = targetKeys.value(key.toTable).value(k.at(1).toInt());
                }
                // SQLite keeps no constraint names; one per key keeps composite pairs together.
                key.constraintName
                    = QStringLiteral("%1_fk_%2").arg(table.ref.name).arg(k.at(0).toInt());
                table.foreignKeys << key;
            }
        }
        tables << table;
    }
    return tables;
}

QStringList SqliteSession::resultColumnNames(const QSqlQuery &query) const
{
    // QSQLITE strips double quotes from column names ("quote""d" comes back as
    // quoted); the statement itself still knows the real name.
    const QVariant handle = query.result() ? query.result()->handle() : QVariant();
    if (!handle.isValid() || qstrcmp(handle.typeName(), "sqlite3_stmt*") != 0)
        return QtSqlSession::resultColumnNames(query);
    sqlite3_stmt *statement = *static_cast<sqlite3_stmt *const *>(handle.constData());
    if (!statement)
        return QtSqlSession::resultColumnNames(query);
    QStringList names;
    const int count = sqlite3_column_count(statement);
    for (int i = 0; i < count; ++i)
        names << QString::fromUtf8(sqlite3_column_name(statement, i));
    return names;
}

QJsonObject SqliteSession::metadata()
{
    QJsonObject meta {{QStringLiteral("database"), settings().path},
                      {QStringLiteral("schemas"), QJsonArray {QStringLiteral("main")}}};
    if (Result<QList<QVariantList>> v = select(QStringLiteral("SELECT sqlite_version()"));
        v.ok() && !v->isEmpty())
        meta.insert(QStringLiteral("server_version"), v->constFirst().value(0).toString());
    return meta;
}

} // namespace ktx
