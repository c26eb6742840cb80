#include "db/postgressession.h"

#include "db/sqlerrorclassifier.h"

#include <QHash>
#include <QJsonArray>
#include <QSqlError>
#include <QSqlField>

namespace ktx {

namespace {

QString tableKey(const QVariant &schema, const QVariant &name)
{
    return schema.toString() + QChar(0) + name.toString();
}

// Result column types by type OID, as the original reports them.
QString typeNameForOid(int oid)
{
    static const QHash<int, QString> names = {
        {16, QStringLiteral("boolean")},       {20, QStringLiteral("bigint")},
        {21, QStringLiteral("smallint")},      {23, QStringLiteral("integer")},
        {25, QStringLiteral("text")},          {114, QStringLiteral("json")},
        {700, QStringLiteral("real")},         {701, QStringLiteral("double precision")},
        {1007, QStringLiteral("integer[]")},   {1009, QStringLiteral("text[]")},
        {1016, QStringLiteral("bigint[]")},    {1042, QStringLiteral("character")},
        {1043, QStringLiteral("varchar")},     {1082, QStringLiteral("date")},
        {1083, QStringLiteral("time")},        {1114, QStringLiteral("timestamp")},
        {1184, QStringLiteral("timestamptz")}, {1700, QStringLiteral("numeric")},
        {2950, QStringLiteral("uuid")},        {3802, QStringLiteral("jsonb")},
    };
    return names.value(oid, QStringLiteral("oid:%1").arg(oid));
}

} // namespace

PostgresSession::PostgresSession(const ConnectionSettings &settings)
    : QtSqlSession(settings, QStringLiteral("QPSQL"))
{ }

QString PostgresSession::connectOptions(bool serverOptions) const
{
    // QPSQL turns ';' into ' ' and appends these to the libpq conninfo string.
    QStringList options {QStringLiteral("connect_timeout=%1").arg(settings().connectTimeoutSeconds),
                         QStringLiteral("application_name=ktx")};
    if (!settings().sslMode.isEmpty())
        options << QStringLiteral("sslmode=") + settings().sslMode;
    if (serverOptions)
        options << QStringLiteral(
                       "options='-c default_transaction_read_only=on -c statement_timeout=%1'")
                       .arg(settings().statementTimeoutMs);
    return options.join(QLatin1Char(';'));
}

void PostgresSession::configure(QSqlDatabase &db)
{
    db.setHostName(settings().host);
    if (settings().port > 0)
        db.setPort(settings().port);
    db.setDatabaseName(settings().database);
    db.setUserName(settings().user);
    db.setPassword(settings().password);
    db.setConnectOptions(connectOptions(true));
}

Result<void> PostgresSession::openDatabase()
{
    if (database().open())
        return {};
    const QSqlError error = database().lastError();
    // PgBouncer and some proxies refuse the `options` startup parameter.
    if (!error.databaseText().contains(QLatin1String("unsupported startup parameter")))
        return SqlErrorClassifier::forOpen(error, settings());
    m_serverOptionsRefused = true;
    database().setConnectOptions(connectOptions(false));
    if (!database().open())
        return SqlErrorClassifier::forOpen(database().lastError(), settings());
    return {};
}

Result<void> PostgresSession::afterOpen()
{
    Result<QList<QVariantList>> state = select(QStringLiteral(
        "SELECT current_setting('default_transaction_read_only'), current_database(), "
        "current_setting('server_version')"));
    if (!state.ok())
        return state.error();
    const QVariantList row = state->value(0);
    m_catalog = row.value(1).toString();
    m_serverVersion = row.value(2).toString();
    if (m_serverOptionsRefused || row.value(0).toString() != QLatin1String("on")) {
        if (Result<void> r = execute(QStringLiteral("SET default_transaction_read_only = on"));
            !r.ok())
            return r;
        if (Result<void> r = execute(
                QStringLiteral("SET statement_timeout = %1").arg(settings().statementTimeoutMs));
            !r.ok())
            return r;
    }
    // Unqualified names in `ktx sql` resolve in the connection's schemas first.
    QStringList path;
    for (const QString &schema : settings().schemas)
        path << dialect().quoteIdentifier(schema);
    if (!settings().schemas.contains(QStringLiteral("public")))
        path << QStringLiteral("public");
    return execute(QStringLiteral("SET search_path TO ") + path.join(QStringLiteral(", ")));
}

QString PostgresSession::schemaList() const
{
    return placeholders(int(settings().schemas.size()));
}

QVariantList PostgresSession::schemaBinds() const
{
    QVariantList binds;
    for (const QString &schema : settings().schemas)
        binds << schema;
    return binds;
}

Result<QList<SchemaTable>> PostgresSession::readCatalog(QStringList &warnings,
                                                        const CancellationToken &cancel)
{
    const QString inSchemas = schemaList();
    const QVariantList binds = schemaBinds();

    Result<QList<QVariantList>> present
        = select(QStringLiteral("SELECT nspname FROM pg_catalog.pg_namespace WHERE nspname IN (%1)")
                     .arg(inSchemas),
                 binds);
    if (!present.ok())
        return present.error();
    QStringList found;
    for (const QVariantList &row : std::as_const(*present))
        found << row.value(0).toString();
    for (const QString &schema : settings().schemas) {
        if (!found.contains(schema))
            warnings << QStringLiteral("Schema \"%1\" does not exist in database %2 (or is not "
                                       "visible to user \"%3\").")
                            .arg(schema, m_catalog, settings().user);
    }

    const QString relations = QStringLiteral("c.relkind IN ('r', 'p', 'v', 'm', 'f') AND NOT "
                                             "c.relispartition AND n.nspname IN (%1)")
                                  .arg(inSchemas);
    Result<QList<QVariantList>> tableRows = select(
        QStringLiteral("SELECT n.nspname, c.relname, c.relkind, c.reltuples::bigint, d.description "
                       "FROM pg_catalog.pg_class c "
                       "JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace "
                       "LEFT JOIN pg_catalog.pg_description d ON d.objoid = c.oid "
                       "AND d.classoid = 'pg_catalog.pg_class'::regclass AND d.objsubid = 0 "
                       "WHERE ")
            + relations,
        binds);
    if (!tableRows.ok())
        return tableRows.error();

    QList<SchemaTable> tables;
    QHash<QString, int> index;
    for (const QVariantList &row : std::as_const(*tableRows)) {
        SchemaTable table;
        table.ref = TableRef {m_catalog, row.at(0).toString(), row.at(1).toString()};
        const QString relkind = row.at(2).toString();
        table.kind = relkind == QLatin1String("v") || relkind == QLatin1String("m")
            ? QStringLiteral("view")
            : (relkind == QLatin1String("f") ? QStringLiteral("external")
                                             : QStringLiteral("table"));
        // reltuples is -1 before the first ANALYZE (PostgreSQL 14+) and means nothing for views.
        const qint64 estimate = row.at(3).isNull() ? -1 : row.at(3).toLongLong();
        if (table.kind != QLatin1String("view") && estimate >= 0)
            table.estimatedRows = estimate;
        table.comment = row.at(4).toString();
        index.insert(tableKey(row.at(0), row.at(1)), int(tables.size()));
        tables << table;
    }
    if (cancel.isCancelled())
        return tables;

    Result<QList<QVariantList>> columnRows
        = select(QStringLiteral("SELECT n.nspname, c.relname, a.attname, "
                                "pg_catalog.format_type(a.atttypid, a.atttypmod), a.attnotnull, "
                                "d.description "
                                "FROM pg_catalog.pg_attribute a "
                                "JOIN pg_catalog.pg_class c ON c.oid = a.attrelid "
                                "JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace "
                                "LEFT JOIN pg_catalog.pg_description d ON d.objoid = c.oid "
                                "AND d.classoid = 'pg_catalog.pg_class'::regclass "
                                "AND d.objsubid = a.attnum "
                                "WHERE a.attnum > 0 AND NOT a.attisdropped AND ")
                     + relations + QStringLiteral(" ORDER BY n.nspname, c.relname, a.attnum"),
                 binds);
    if (!columnRows.ok())
        return columnRows.error();
    for (const QVariantList &row : std::as_const(*columnRows)) {
        const int at = index.value(tableKey(row.at(0), row.at(1)), -1);
        if (at < 0)
            continue; // created between the two queries
        tables[at].columns << column(row.at(2).toString(), row.at(3).toString(),
                                     !row.at(4).toBool(), row.at(5).toString());
    }
    if (cancel.isCancelled())
        return tables;

    // Keys are worth having but not worth failing for: the original turns a
    // permission error here into a warning.
    Result<QList<QVariantList>> keyRows = select(
        QStringLiteral("SELECT n.nspname, c.relname, a.attname "
                       "FROM pg_catalog.pg_constraint con "
                       "JOIN pg_catalog.pg_class c ON c.oid = con.conrelid "
                       "JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace "
                       "CROSS JOIN LATERAL unnest(con.conkey) WITH ORDINALITY AS k(attnum, ord) "
                       "JOIN pg_catalog.pg_attribute a ON a.attrelid = c.oid "
                       "AND a.attnum = k.attnum "
                       "WHERE con.contype = 'p' AND n.nspname IN (%1) "
                       "ORDER BY n.nspname, c.relname, k.ord")
            .arg(inSchemas),
        binds);
    if (!keyRows.ok()) {
        warnings
            << QStringLiteral("Primary keys could not be read: %1").arg(keyRows.error().message);
    } else {
        for (const QVariantList &row : std::as_const(*keyRows)) {
            const int at = index.value(tableKey(row.at(0), row.at(1)), -1);
            if (at < 0)
                continue;
            for (SchemaColumn &column : tables[at].columns) {
                if (column.name == row.at(2).toString())
                    column.primaryKey = true;
            }
        }
    }

    Result<QList<QVariantList>> foreignRows = select(
        QStringLiteral(
            "SELECT n.nspname, c.relname, con.conname, fa.attname, tn.nspname, tc.relname, "
            "ta.attname "
            "FROM pg_catalog.pg_constraint con "
            "JOIN pg_catalog.pg_class c ON c.oid = con.conrelid "
            "JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace "
            "JOIN pg_catalog.pg_class tc ON tc.oid = con.confrelid "
            "JOIN pg_catalog.pg_namespace tn ON tn.oid = tc.relnamespace "
            "CROSS JOIN LATERAL unnest(con.conkey, con.confkey) WITH ORDINALITY "
            "AS k(fromnum, tonum, ord) "
            "JOIN pg_catalog.pg_attribute fa ON fa.attrelid = c.oid AND fa.attnum = k.fromnum "
            "JOIN pg_catalog.pg_attribute ta ON ta.attrelid = tc.oid AND ta.attnum = k.tonum "
            "WHERE con.contype = 'f' AND n.nspname IN (%1) "
            "ORDER BY n.nspname, c.relname, con.conname, k.ord")
            .arg(inSchemas),
        binds);
    if (!foreignRows.ok()) {
        warnings << QStringLiteral("Foreign keys could not be read: %1")
                        .arg(foreignRows.error().message);
    } else {
        for (const QVariantList &row : std::as_const(*foreignRows)) {
            const int at = index.value(tableKey(row.at(0), row.at(1)), -1);
            if (at < 0)
                continue;
            tables[at].foreignKeys << SchemaForeignKey {row.at(3).toString(), m_catalog,
                                                        row.at(4).toString(), row.at(5).toString(),
                                                        row.at(6).toString(), row.at(2).toString()};
        }
    }
    return tables;
}

QJsonObject PostgresSession::metadata()
{
    QJsonArray schemas;
    for (const QString &schema : settings().schemas)
        schemas.append(schema);
    QJsonObject meta {{QStringLiteral("database"), m_catalog},
                      {QStringLiteral("schemas"), schemas},
                      {QStringLiteral("host"), settings().host},
                      {QStringLiteral("server_version"), m_serverVersion}};
    if (settings().port > 0)
        meta.insert(QStringLiteral("port"), settings().port);
    return meta;
}

QString PostgresSession::resultColumnType(const QSqlField &field) const
{
    const int oid = field.typeID();
    return oid > 0 ? typeNameForOid(oid) : QtSqlSession::resultColumnType(field);
}

} // namespace ktx
