#pragma once

#include "db/databasesession.h"
#include "db/sqldialect.h"

#include <QSqlDatabase>
#include <QVariantList>

class QSqlError;
class QSqlField;
class QSqlQuery;

namespace ktx {

// What the three Qt SQL sessions share: one uniquely named QSqlDatabase per
// session (removed in the destructor), guarded queries with a row cap, catalog
// queries with positional binds, and the introspection pipeline (read the
// catalog, scope, sort, count rows, describe). Subclasses say how to connect and
// how to read their catalog.
class QtSqlSession : public DatabaseSession
{
public:
    ~QtSqlSession() override;

    const ConnectionSettings &settings() const override { return m_settings; }
    const SqlDialect &dialect() const override { return *m_dialect; }
    Result<QueryResult> query(const QString &sql, int maxRows) override;
    Result<SchemaSnapshot> introspect(const CancellationToken &cancel = {}) override;

    // Connects; called once by DatabaseSession::open.
    Result<void> connect();

    // The session's own Qt connection name. Tests use it to send SQL straight to
    // the server, past ReadOnlySqlGuard, and prove the session itself is read-only.
    QString connectionName() const { return m_connectionName; }

protected:
    QtSqlSession(ConnectionSettings settings, const QString &qtDriver);

    QSqlDatabase &database() { return m_db; }

    // A catalog column with its types mapped through the dialect: the one place
    // native types become ktx's normalized and dimension types.
    SchemaColumn column(const QString &name, const QString &nativeType, bool nullable,
                        const QString &comment = {}) const;

    // Before the driver is touched (SQLite: the file must exist).
    virtual Result<void> preflight() { return {}; }
    // Sets host, credentials and connect options on the not yet open handle.
    virtual void configure(QSqlDatabase &db) = 0;
    // Opens the configured handle; the default classifies a failure.
    virtual Result<void> openDatabase();
    // Session setup after connecting (read-only mode, timeouts, search path).
    virtual Result<void> afterOpen() { return {}; }

    // Tables, columns, keys and comments in the settings' schemas, unsorted;
    // problems that should not fail the snapshot go to warnings.
    virtual Result<QList<SchemaTable>> readCatalog(QStringList &warnings,
                                                   const CancellationToken &cancel)
        = 0;
    virtual bool wantsExactCount(const SchemaTable &table) const;
    virtual QJsonObject metadata() = 0;
    // Names of the result columns (the record's field names unless a driver mangles them).
    virtual QStringList resultColumnNames(const QSqlQuery &query) const;
    // Type name for a result column, where the driver reports one.
    virtual QString resultColumnType(const QSqlField &field) const;
    // True when the row-limit wrapper itself broke a valid query (MySQL refuses
    // a derived table with duplicate column names, e.g. `SELECT *` over a join).
    virtual bool retryWithoutLimitWrapper(const QSqlError &) const { return false; }
    // Prepended to every statement sent (PostgreSQL: DatabaseSession::statementMarker()).
    virtual QString statementPrefix() const { return {}; }
    // Around every statement: SQLite arms its deadline here.
    virtual void beginStatement() { }
    virtual void endStatement() { }

    // A catalog/helper query: rows as lists, values bound to `?` placeholders in order.
    Result<QList<QVariantList>> select(const QString &sql, const QVariantList &binds = {});
    // Executes one statement on the session (no guard): session setup only.
    Result<void> execute(const QString &sql);

    static QString placeholders(int count); // "?, ?, ?"

private:
    class StatementScope;
    // Exact counts for `tables`; false when cancelled.
    bool countRows(const QList<SchemaTable *> &tables, QStringList &warnings,
                   const CancellationToken &cancel);
    Result<void> execPrepared(QSqlQuery &query, const QString &sql, const QVariantList &binds);

    ConnectionSettings m_settings;
    std::unique_ptr<SqlDialect> m_dialect;
    QString m_qtDriver;
    QString m_connectionName;
    QSqlDatabase m_db;
};

} // namespace ktx
