#pragma once

#include "core/result.h"

#include <QString>

class QSqlError;

namespace ktx {

struct ConnectionSettings;

// Turns a Qt SQL driver error into an Error a user can act on: a stable code,
// a message naming the connection and what to check, and the driver's own text
// (passed through SecretRedactor, the password removed) only as a detail sentence.
class SqlErrorClassifier
{
public:
    // Codes: auth_failed, host_unreachable, database_missing, file_missing,
    // permission_denied, connection_failed.
    static Error forOpen(const QSqlError &error, const ConnectionSettings &settings);
    // Codes: timeout ("query exceeded Ns"), permission_denied, sql_not_read_only
    // (the server refused a write), connection_lost, query_failed.
    static Error forQuery(const QSqlError &error, const ConnectionSettings &settings);

    static Error driverMissing(const QString &qtDriver, const ConnectionSettings &settings);
    static Error timeout(const ConnectionSettings &settings);
    // The driver's text, one line, without secrets.
    static QString detail(const QSqlError &error, const ConnectionSettings &settings);
    // "30s", "0.2s"
    static QString seconds(int milliseconds);
};

} // namespace ktx
