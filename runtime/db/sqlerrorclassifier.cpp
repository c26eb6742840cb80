#include "db/sqlerrorclassifier.h"

#include "core/secretredactor.h"
#include "db/connectionsettings.h"

#include <QSqlError>

namespace ktx {

namespace {

bool isPostgres(const ConnectionSettings &s)
{
    return s.driver == QLatin1String("postgres");
}

bool isMysql(const ConnectionSettings &s)
{
    return s.driver == QLatin1String("mysql");
}

QString hostPort(const ConnectionSettings &s)
{
    const int port = s.port > 0 ? s.port : (isPostgres(s) ? 5432 : 3306);
    return QStringLiteral("%1:%2").arg(s.host).arg(port);
}

bool containsAny(const QString &text, std::initializer_list<const char *> needles)
{
    for (const char *needle : needles) {
        if (text.contains(QLatin1String(needle), Qt::CaseInsensitive))
            return true;
    }
    return false;
}

Error withDetail(const QString &code, const QString &message, const QString &detail,
                 const QString &hint = {})
{
    QString text = message;
    if (!detail.isEmpty())
        text += QStringLiteral(" Details: ") + detail;
    return makeError(code, text, hint);
}

} // namespace

QString SqlErrorClassifier::seconds(int milliseconds)
{
    return QString::number(milliseconds / 1000.0, 'g', 6) + QLatin1Char('s');
}

QString SqlErrorClassifier::detail(const QSqlError &error, const ConnectionSettings &settings)
{
    QString text = error.databaseText().simplified();
    if (text.isEmpty())
        text = error.driverText().simplified();
    text = SecretRedactor::redact(text);
    // The redactor skips very short values; a password is removed whatever its length.
    if (!settings.password.isEmpty())
        text.replace(settings.password, QStringLiteral("[redacted]"));
    if (!text.isEmpty() && !text.endsWith(QLatin1Char('.')) && !text.endsWith(QLatin1Char('?'))
        && !text.endsWith(QLatin1Char('!')))
        text += QLatin1Char('.');
    return text;
}

Error SqlErrorClassifier::driverMissing(const QString &qtDriver, const ConnectionSettings &settings)
{
    QString package = QStringLiteral("libqt6sql6-sqlite");
    if (isPostgres(settings))
        package = QStringLiteral("libqt6sql6-psql");
    else if (isMysql(settings))
        package = QStringLiteral("libqt6sql6-mysql");
    return makeError(QStringLiteral("driver_missing"),
                     QStringLiteral("The Qt SQL driver %1 that connection \"%2\" needs is not "
                                    "installed: install the Debian package %3.")
                         .arg(qtDriver, settings.connectionId, package),
                     QStringLiteral("scripts/setup.sh installs every driver ktx uses."));
}

Error SqlErrorClassifier::timeout(const ConnectionSettings &settings)
{
    return makeError(QStringLiteral("timeout"),
                     QStringLiteral("query exceeded %1").arg(seconds(settings.statementTimeoutMs)),
                     QStringLiteral("Narrow the query, or raise connections.%1.query_timeout_ms.")
                         .arg(settings.connectionId));
}

Error SqlErrorClassifier::forOpen(const QSqlError &error, const ConnectionSettings &s)
{
    const QString text = error.databaseText() + QLatin1Char(' ') + error.driverText();
    const QString code = error.nativeErrorCode();
    const QString said = detail(error, s);
    const QString id = s.connectionId;

    if (s.driver == QLatin1String("sqlite")) {
        if (containsAny(text, {"not a database", "encrypted"}))
            return withDetail(QStringLiteral("connection_failed"),
                              QStringLiteral("%1 is not a SQLite database (or it is encrypted): "
                                             "check connections.%2.path.")
                                  .arg(s.path, id),
                              said);
        return withDetail(QStringLiteral("connection_failed"),
                          QStringLiteral("Cannot open the SQLite file %1 read-only: check that it "
                                         "is a readable SQLite database.")
                              .arg(s.path),
                          said);
    }

    enum class Kind { Auth, Unreachable, DatabaseMissing, Permission, Other } kind = Kind::Other;
    if (isPostgres(s)) {
        if (code == QLatin1String("3D000")
            || (text.contains(QLatin1String("database \""))
                && text.contains(QLatin1String("does not exist"))))
            kind = Kind::DatabaseMissing;
        else if (code == QLatin1String("42501")
                 || containsAny(text, {"permission denied for database", "connect privilege"}))
            kind = Kind::Permission;
        else if (code == QLatin1String("28P01") || code == QLatin1String("28000")
                 || containsAny(
                     text,
                     {"authentication failed", "no password supplied", "pg_hba.conf", "role \""}))
            kind = Kind::Auth;
        else if (containsAny(text,
                             {"connection refused", "no route to host",
                              "could not translate host name", "name or service not known",
                              "temporary failure in name resolution", "network is unreachable",
                              "host is unreachable", "timeout expired", "timed out"}))
            kind = Kind::Unreachable;
    } else {
        const int n = code.toInt();
        if (n == 1045 || n == 1698)
            kind = Kind::Auth;
        else if (n == 1049)
            kind = Kind::DatabaseMissing;
        else if (n == 1044 || n == 1130 || n == 1227)
            kind = Kind::Permission;
        else if (n == 2002 || n == 2003 || n == 2005 || n == 2013
                 || containsAny(text, {"can't connect", "unknown server host", "timed out"}))
            kind = Kind::Unreachable;
    }

    switch (kind) {
    case Kind::Auth:
        return withDetail(QStringLiteral("auth_failed"),
                          QStringLiteral("Authentication failed for %1: check the user name and "
                                         "password of connection \"%2\".")
                              .arg(s.displayTarget(), id),
                          said,
                          QStringLiteral("The password comes from connections.%1.password or the "
                                         "url (env:NAME and file:PATH references are read when "
                                         "ktx runs).")
                              .arg(id));
    case Kind::Unreachable:
        return withDetail(
            QStringLiteral("host_unreachable"),
            QStringLiteral("Cannot reach %1 for connection \"%2\": check the host and "
                           "port, that the server is running, and that no firewall "
                           "blocks it.")
                .arg(hostPort(s), id),
            said);
    case Kind::DatabaseMissing:
        return withDetail(QStringLiteral("database_missing"),
                          QStringLiteral("The database \"%1\" does not exist on %2: check "
                                         "connections.%3.database (or the URL path).")
                              .arg(s.database, hostPort(s), id),
                          said);
    case Kind::Permission:
        return withDetail(QStringLiteral("permission_denied"),
                          QStringLiteral("User \"%1\" may not connect to %2: ask an administrator "
                                         "to grant access to the database.")
                              .arg(s.user, s.displayTarget()),
                          said);
    case Kind::Other:
        break;
    }
    QString hint;
    if (containsAny(text, {"ssl", "tls"}))
        hint = QStringLiteral("Check connections.%1.sslmode against what the server supports.")
                   .arg(id);
    return withDetail(
        QStringLiteral("connection_failed"),
        QStringLiteral("Could not connect to %1 (connection \"%2\").").arg(s.displayTarget(), id),
        said, hint);
}

Error SqlErrorClassifier::forQuery(const QSqlError &error, const ConnectionSettings &s)
{
    const QString text = error.databaseText() + QLatin1Char(' ') + error.driverText();
    const QString code = error.nativeErrorCode();
    const QString said = detail(error, s);

    if (s.driver == QLatin1String("sqlite")) {
        // SQLITE_INTERRUPT: our progress handler stopped the statement at its deadline.
        if (code == QLatin1String("9") || text.contains(QLatin1String("interrupted")))
            return timeout(s);
        if (code.toInt() % 256 == 8 || text.contains(QLatin1String("readonly database")))
            return withDetail(QStringLiteral("sql_not_read_only"),
                              QStringLiteral("The database refused a write: ktx opens SQLite "
                                             "files read-only."),
                              said);
    } else if (isPostgres(s)) {
        if (code == QLatin1String("57014"))
            return timeout(s);
        if (code == QLatin1String("25006"))
            return withDetail(QStringLiteral("sql_not_read_only"),
                              QStringLiteral("The server refused a write: ktx sessions are "
                                             "read-only."),
                              said);
        if (code == QLatin1String("42501"))
            return withDetail(QStringLiteral("permission_denied"),
                              QStringLiteral("Permission denied for user \"%1\": ask an "
                                             "administrator to grant SELECT.")
                                  .arg(s.user),
                              said);
        if (code.startsWith(QLatin1String("08"))
            || containsAny(text, {"server closed the connection", "no connection to the server"}))
            return withDetail(
                QStringLiteral("connection_lost"),
                QStringLiteral("The connection to %1 was lost.").arg(s.displayTarget()), said);
    } else {
        const int n = code.toInt();
        if (n == 1969 || n == 3024 || n == 1317 || n == 1028)
            return timeout(s);
        if (n == 1792)
            return withDetail(QStringLiteral("sql_not_read_only"),
                              QStringLiteral("The server refused a write: ktx sessions are "
                                             "read-only."),
                              said);
        if (n == 1142 || n == 1143 || n == 1044 || n == 1227)
            return withDetail(QStringLiteral("permission_denied"),
                              QStringLiteral("Permission denied for user \"%1\": ask an "
                                             "administrator to grant SELECT.")
                                  .arg(s.user),
                              said);
        if (n == 2006 || n == 2013)
            return withDetail(
                QStringLiteral("connection_lost"),
                QStringLiteral("The connection to %1 was lost.").arg(s.displayTarget()), said);
    }
    return withDetail(QStringLiteral("query_failed"), QStringLiteral("The query failed."), said);
}

} // namespace ktx
