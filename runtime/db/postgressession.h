#pragma once

#include "db/qtsqlsession.h"

namespace ktx {

// PostgreSQL through QPSQL. The session is read-only on the server
// (default_transaction_read_only) with statement_timeout, both passed as
// startup options; where a pooler refuses startup options, SET after
// connecting does the same. Catalog reads use pg_catalog, one query per kind
// of object for every schema in scope.
class PostgresSession : public QtSqlSession
{
public:
    explicit PostgresSession(const ConnectionSettings &settings);

protected:
    void configure(QSqlDatabase &db) override;
    Result<void> openDatabase() override;
    Result<void> afterOpen() override;
    Result<QList<SchemaTable>> readCatalog(QStringList &warnings,
                                           const CancellationToken &cancel) override;
    QJsonObject metadata() override;
    QString resultColumnType(const QSqlField &field) const override;
    QString statementPrefix() const override { return statementMarker(); }

private:
    QString connectOptions(bool serverOptions) const;
    QString schemaList() const; // "?, ?" for settings().schemas
    QVariantList schemaBinds() const;

    bool m_serverOptionsRefused = false;
    QString m_catalog; // current_database()
    QString m_serverVersion;
};

} // namespace ktx
