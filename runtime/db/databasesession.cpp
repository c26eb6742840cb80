#include "db/databasesession.h"

#include "db/mysqlsession.h"
#include "db/postgressession.h"
#include "db/sqlitesession.h"

namespace ktx {

Result<std::unique_ptr<DatabaseSession>> DatabaseSession::open(const ConnectionSettings &settings)
{
    std::unique_ptr<QtSqlSession> session;
    if (settings.driver == QLatin1String("sqlite"))
        session = std::make_unique<SqliteSession>(settings);
    else if (settings.driver == QLatin1String("postgres"))
        session = std::make_unique<PostgresSession>(settings);
    else if (settings.driver == QLatin1String("mysql"))
        session = std::make_unique<MysqlSession>(settings);
    else
        return makeError(QStringLiteral("driver_unsupported"),
                         QStringLiteral("Connection \"%1\" uses driver \"%2\", which this version "
                                        "of ktx cannot query (supported: sqlite, postgres, mysql).")
                             .arg(settings.connectionId, settings.driver));
    if (Result<void> connected = session->connect(); !connected.ok())
        return connected.error();
    return std::unique_ptr<DatabaseSession>(std::move(session));
}

} // namespace ktx
