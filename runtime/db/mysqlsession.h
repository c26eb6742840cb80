#pragma once

#include "db/qtsqlsession.h"

namespace ktx {

// MySQL and MariaDB through QMYSQL. After connecting, the session is set to
// READ ONLY transactions and a statement time limit (max_statement_time on
// MariaDB, max_execution_time on MySQL). Catalog reads use information_schema
// for every database in scope (settings().schemas).
class MysqlSession : public QtSqlSession
{
public:
    explicit MysqlSession(const ConnectionSettings &settings);

protected:
    void configure(QSqlDatabase &db) override;
    Result<void> afterOpen() override;
    Result<QList<SchemaTable>> readCatalog(QStringList &warnings,
                                           const CancellationToken &cancel) override;
    QJsonObject metadata() override;
    QString resultColumnType(const QSqlField &field) const override;
    bool retryWithoutLimitWrapper(const QSqlError &error) const override;

private:
    QString m_serverVersion;
    bool m_mariaDb = false;
};

} // namespace ktx
