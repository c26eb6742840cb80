#pragma once

#include "core/cancellationtoken.h"
#include "core/result.h"
#include "db/connectionsettings.h"
#include "db/queryresult.h"
#include "db/schemasnapshot.h"

#include <QString>

#include <memory>

namespace ktx {

class SqlDialect;

// One open, read-only connection to a warehouse, used from the thread that
// opened it (a Qt SQL rule). Read-only at two levels: the session itself
// (SQLite opened read-only; PostgreSQL/MariaDB sessions in read-only transaction
// mode with a statement timeout), and ReadOnlySqlGuard on every query.
// Parallel work opens one session per worker thread.
class DatabaseSession
{
public:
    virtual ~DatabaseSession() = default;

    // Errors are specific: code one of auth_failed, host_unreachable,
    // database_missing, file_missing, permission_denied, timeout, driver_missing,
    // connection_failed; the message says what to do, the driver text is kept
    // only as a detail after it.
    static Result<std::unique_ptr<DatabaseSession>> open(const ConnectionSettings &settings);

    // Every statement a PostgreSQL session sends starts with this comment:
    // pg_stat_statements keeps it, so query history can leave ktx's own reads
    // (introspection, profiling, validation, `ktx sql`) out of the workload.
    static QString statementMarker() { return QStringLiteral("/* ktx */"); }

    virtual const ConnectionSettings &settings() const = 0;
    virtual const SqlDialect &dialect() const = 0;

    // Guarded read-only query, capped at maxRows by wrapping the query.
    virtual Result<QueryResult> query(const QString &sql, int maxRows) = 0;

    // Tables, columns, keys, comments and row counts in the settings' scope.
    virtual Result<SchemaSnapshot> introspect(const CancellationToken &cancel = {}) = 0;
};

} // namespace ktx
