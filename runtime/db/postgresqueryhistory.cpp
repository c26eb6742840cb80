#include "db/postgresqueryhistory.h"

#include "db/databasesession.h"
#include "db/sqldialect.h"

namespace ktx {

namespace {

QString versionText(int num)
{
    // 150018 -> 15.18; 90624 -> 9.6.24
    if (num >= 100000)
        return QStringLiteral("%1.%2").arg(num / 10000).arg(num % 10000);
    return QStringLiteral("%1.%2.%3").arg(num / 10000).arg((num / 100) % 100).arg(num % 100);
}

QueryHistoryReadiness fail(const QString &code, const QString &detail, const QString &fix)
{
    QueryHistoryReadiness r;
    r.status = QueryHistoryReadiness::Status::Fail;
    r.code = code;
    r.detail = detail;
    r.fix = fix;
    return r;
}

QString quoted(const QString &identifier)
{
    QString escaped = identifier;
    escaped.replace(QLatin1Char('"'), QStringLiteral("\"\""));
    return QLatin1Char('"') + escaped + QLatin1Char('"');
}

} // namespace

QString QueryHistoryReadiness::statusName() const
{
    switch (status) {
    case Status::Ok:
        return QStringLiteral("ok");
    case Status::Warn:
        return QStringLiteral("warn");
    case Status::Fail:
        return QStringLiteral("fail");
    }
    return {};
}

QueryHistoryReadiness PostgresQueryHistory::assess(const Facts &f)
{
    const QString disable
        = QStringLiteral("or disable connections.%1.context.queryHistory").arg(f.connectionId);
    if (f.serverVersionNum > 0 && f.serverVersionNum < minimumVersionNum)
        return fail(
            QStringLiteral("version_unsupported"),
            QStringLiteral("PostgreSQL %1 is too old for query history: ktx reads "
                           "pg_stat_statements as PostgreSQL 14 and newer record it.")
                .arg(versionText(f.serverVersionNum)),
            QStringLiteral("Upgrade the server to PostgreSQL 14 or newer, %1.").arg(disable));

    const QString create = QStringLiteral("CREATE EXTENSION pg_stat_statements; in database "
                                          "\"%1\" as a superuser")
                               .arg(f.database);
    const QString preload = QStringLiteral(
        "Add pg_stat_statements to shared_preload_libraries (postgresql.conf: "
        "shared_preload_libraries = 'pg_stat_statements', or your provider's parameter group) "
        "and restart PostgreSQL");
    if (!f.extensionCreated) {
        if (!f.extensionAvailable)
            return fail(QStringLiteral("extension_unavailable"),
                        QStringLiteral("The pg_stat_statements extension is not installed on the "
                                       "server of database \"%1\".")
                            .arg(f.database),
                        QStringLiteral("Install the PostgreSQL contrib modules (Debian's "
                                       "postgresql-<version> ships them; elsewhere "
                                       "postgresql<version>-contrib). %1, then run %2, %3.")
                            .arg(preload, create, disable));
        if (f.preloaded == false)
            return fail(QStringLiteral("extension_not_preloaded"),
                        QStringLiteral("pg_stat_statements is not loaded: it is not listed in "
                                       "shared_preload_libraries, and the extension is not "
                                       "created in database \"%1\".")
                            .arg(f.database),
                        QStringLiteral("%1, then run %2.").arg(preload, create));
        return fail(QStringLiteral("extension_missing"),
                    QStringLiteral("The pg_stat_statements extension is not created in database "
                                   "\"%1\".")
                        .arg(f.database),
                    f.preloaded == true
                        ? QStringLiteral("Run %1.").arg(create)
                        : QStringLiteral("Run %1. The library must also be listed in "
                                         "shared_preload_libraries (a server restart).")
                              .arg(create));
    }
    if (f.readError) {
        const QString error = *f.readError;
        if (error.contains(QLatin1String("shared_preload_libraries")) || f.preloaded == false)
            return fail(QStringLiteral("extension_not_preloaded"),
                        QStringLiteral("pg_stat_statements is created in database \"%1\" but not "
                                       "loaded: it must be listed in shared_preload_libraries.")
                            .arg(f.database),
                        QStringLiteral("%1. Nothing is recorded until then.").arg(preload));
        if (error.contains(QLatin1String("permission denied"), Qt::CaseInsensitive))
            return fail(QStringLiteral("grants_missing"),
                        QStringLiteral("User \"%1\" may not read pg_stat_statements.").arg(f.user),
                        QStringLiteral("Run GRANT SELECT ON %1.pg_stat_statements TO %2; and GRANT "
                                       "pg_read_all_stats TO %2; as a superuser.")
                            .arg(quoted(f.extensionSchema), quoted(f.user)));
        return fail(QStringLiteral("probe_failed"),
                    QStringLiteral("Reading pg_stat_statements failed: %1").arg(error),
                    QStringLiteral("Check the server log, %1.").arg(disable));
    }
    if (!f.superuser && !f.readAllStats)
        return fail(QStringLiteral("grants_missing"),
                    QStringLiteral("User \"%1\" sees only its own statements in "
                                   "pg_stat_statements (other users' SQL reads \"<insufficient "
                                   "privilege>\"), so the history would miss the workload.")
                        .arg(f.user),
                    QStringLiteral("Run GRANT pg_read_all_stats TO %1; as a superuser.")
                        .arg(quoted(f.user)));
    QueryHistoryReadiness ok;
    ok.extensionSchema = f.extensionSchema;
    ok.detail = QStringLiteral("pg_stat_statements is readable in database \"%1\" (PostgreSQL %2).")
                    .arg(f.database, versionText(f.serverVersionNum));
    if (f.track == QLatin1String("none")) {
        ok.status = QueryHistoryReadiness::Status::Warn;
        ok.code = QStringLiteral("tracking_off");
        ok.warnings << QStringLiteral("pg_stat_statements.track is none: no new statements are "
                                      "recorded.");
        ok.fix = QStringLiteral("Set pg_stat_statements.track = top in postgresql.conf (or the "
                                "parameter group) and reload.");
    }
    return ok;
}

QueryHistoryReadiness PostgresQueryHistory::probe(DatabaseSession &session,
                                                  const QString &connectionId)
{
    Facts f;
    f.connectionId = connectionId;
    f.user = session.settings().user;
    const auto value = [&](const QString &sql) -> Result<QVariantList> {
        Result<QueryResult> r = session.query(sql, 10);
        if (!r.ok())
            return r.error();
        return r->rows.isEmpty() ? QVariantList() : r->rows.constFirst();
    };
    const auto failed = [&](const Error &e) {
        return fail(QStringLiteral("probe_failed"),
                    QStringLiteral("The query-history probe could not run: %1").arg(e.message),
                    QStringLiteral("Check the connection with `ktx sql %1 \"select 1\"`.")
                        .arg(connectionId));
    };

    Result<QVariantList> server = value(QStringLiteral(
        "SELECT current_setting('server_version_num')::int, current_database(), current_user, "
        "r.rolsuper, pg_catalog.pg_has_role(current_user, 'pg_read_all_stats', 'USAGE') "
        "FROM pg_catalog.pg_roles r WHERE r.rolname = current_user"));
    if (!server.ok())
        return failed(server.error());
    f.serverVersionNum = server->value(0).toInt();
    f.database = server->value(1).toString();
    f.user = server->value(2).toString();
    f.superuser = server->value(3).toBool();
    f.readAllStats = server->value(4).toBool();

    Result<QVariantList> extension = value(QStringLiteral(
        "SELECT n.nspname FROM pg_catalog.pg_extension e JOIN pg_catalog.pg_namespace n ON n.oid "
        "= e.extnamespace WHERE e.extname = 'pg_stat_statements'"));
    if (!extension.ok())
        return failed(extension.error());
    f.extensionCreated = !extension->isEmpty();
    f.extensionSchema = extension->value(0).toString();
    Result<QVariantList> available = value(
        QStringLiteral("SELECT count(*) FROM pg_catalog.pg_available_extensions WHERE name = "
                       "'pg_stat_statements'"));
    f.extensionAvailable = !available.ok() || available->value(0).toInt() > 0;
    // shared_preload_libraries is visible to superusers and pg_read_all_settings
    // only; pg_settings then has no row, and the read below decides.
    Result<QVariantList> preload = value(QStringLiteral(
        "SELECT setting FROM pg_catalog.pg_settings WHERE name = 'shared_preload_libraries'"));
    if (preload.ok() && !preload->isEmpty()) {
        const QStringList libraries = preload->value(0).toString().split(QLatin1Char(','));
        bool listed = false;
        for (const QString &library : libraries)
            listed = listed
                || library.trimmed().remove(QLatin1Char('"'))
                    == QLatin1String("pg_stat_statements");
        f.preloaded = listed;
    }
    if (f.extensionCreated && f.serverVersionNum >= minimumVersionNum) {
        Result<QVariantList> read
            = value(QStringLiteral("SELECT count(*) FROM %1.pg_stat_statements")
                        .arg(session.dialect().quoteIdentifier(f.extensionSchema)));
        if (!read.ok())
            f.readError = read.error().message + QLatin1Char(' ') + read.error().hint;
        Result<QVariantList> track = value(QStringLiteral(
            "SELECT setting FROM pg_catalog.pg_settings WHERE name = 'pg_stat_statements.track'"));
        if (track.ok())
            f.track = track->value(0).toString();
    }
    return assess(f);
}

Result<QList<QueryHistoryStatement>>
PostgresQueryHistory::read(DatabaseSession &session, const QueryHistoryReadiness &readiness,
                           int maxStatements, QStringList &warnings)
{
    if (!readiness.canRead())
        return makeError(readiness.code, readiness.detail, readiness.fix);
    const QString view = session.dialect().quoteIdentifier(readiness.extensionSchema.isEmpty()
                                                               ? QStringLiteral("public")
                                                               : readiness.extensionSchema)
        + QStringLiteral(".pg_stat_statements");
    Result<QueryResult> result = session.query(
        QStringLiteral("SELECT r.rolname, s.calls, s.total_exec_time, s.rows, s.query FROM %1 s "
                       "LEFT JOIN pg_catalog.pg_roles r ON r.oid = s.userid "
                       "WHERE s.dbid = (SELECT oid FROM pg_catalog.pg_database WHERE datname = "
                       "current_database()) AND s.toplevel ORDER BY s.calls DESC, s.queryid")
            .arg(view),
        maxStatements);
    if (!result.ok())
        return result.error();
    if (result->truncated)
        warnings << QStringLiteral("pg_stat_statements holds more than %1 statements for this "
                                   "database; only the %1 most executed were read.")
                        .arg(maxStatements);
    QList<QueryHistoryStatement> statements;
    statements.reserve(result->rows.size());
    for (const QVariantList &row : std::as_const(result->rows)) {
        QueryHistoryStatement s;
        s.role = row.value(0).toString();
        s.calls = row.value(1).toLongLong();
        s.totalMs = row.value(2).toDouble();
        s.rows = row.value(3).toLongLong();
        s.query = row.value(4).toString();
        statements << s;
    }
    return statements;
}

} // namespace ktx
