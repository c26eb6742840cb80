#include "db/mysqlsession.h"

#include <QHash>
#include <QJsonArray>
#include <QSqlError>
#include <QSqlField>

namespace ktx {

namespace {

QString tableKey(const QVariant &db, const QVariant &name)
{
    return db.toString() + QChar(0) + name.toString();
}

// enum_field_types of the MySQL/MariaDB client library.
QString typeNameForFieldType(int type)
{
    static const QHash<int, QString> names = {
        {0, QStringLiteral("decimal")},   {1, QStringLiteral("tinyint")},
        {2, QStringLiteral("smallint")},  {3, QStringLiteral("int")},
        {4, QStringLiteral("float")},     {5, QStringLiteral("double")},
        {7, QStringLiteral("timestamp")}, {8, QStringLiteral("bigint")},
        {9, QStringLiteral("mediumint")}, {10, QStringLiteral("date")},
        {11, QStringLiteral("time")},     {12, QStringLiteral("datetime")},
        {13, QStringLiteral("year")},     {15, QStringLiteral("varchar")},
        {16, QStringLiteral("bit")},      {245, QStringLiteral("json")},
        {246, QStringLiteral("decimal")}, {247, QStringLiteral("enum")},
        {248, QStringLiteral("set")},     {249, QStringLiteral("blob")},
        {250, QStringLiteral("blob")},    {251, QStringLiteral("blob")},
        {252, QStringLiteral("blob")},    {253, QStringLiteral("varchar")},
        {254, QStringLiteral("char")},
    };
    return names.value(type);
}

} // namespace

MysqlSession::MysqlSession(const ConnectionSettings &settings)
    : QtSqlSession(settings, QStringLiteral("QMYSQL"))
{ }

void MysqlSession::configure(QSqlDatabase &db)
{
    db.setHostName(settings().host);
    if (settings().port > 0)
        db.setPort(settings().port);
    db.setDatabaseName(settings().database);
    db.setUserName(settings().user);
    db.setPassword(settings().password);
    QStringList options {
        QStringLiteral("MYSQL_OPT_CONNECT_TIMEOUT=%1").arg(settings().connectTimeoutSeconds)};
    const QString ssl = settings().sslMode;
    if (!ssl.isEmpty() && ssl != QLatin1String("disable") && ssl != QLatin1String("disabled")
        && ssl != QLatin1String("prefer") && ssl != QLatin1String("preferred"))
        options << QStringLiteral("CLIENT_SSL");
    db.setConnectOptions(options.join(QLatin1Char(';')));
}

Result<void> MysqlSession::afterOpen()
{
    Result<QList<QVariantList>> version = select(QStringLiteral("SELECT VERSION()"));
    if (!version.ok())
        return version.error();
    m_serverVersion = version->value(0).value(0).toString();
    m_mariaDb = m_serverVersion.contains(QLatin1String("MariaDB"), Qt::CaseInsensitive);

    if (Result<void> r = execute(QStringLiteral("SET SESSION TRANSACTION READ ONLY")); !r.ok())
        return r;
    // Each server knows only one of the two limits; try its own first, then the other.
    const int ms = settings().statementTimeoutMs;
    const QString mariaLimit
        = QStringLiteral("SET SESSION max_statement_time = %1").arg(ms / 1000.0, 0, 'f', 3);
    const QString mysqlLimit = QStringLiteral("SET SESSION max_execution_time = %1").arg(ms);
    if (!execute(m_mariaDb ? mariaLimit : mysqlLimit).ok())
        (void)execute(m_mariaDb ? mysqlLimit : mariaLimit);
    return {};
}

Result<QList<SchemaTable>> MysqlSession::readCatalog(QStringList &warnings,
                                                     const CancellationToken &cancel)
{
    const QString inSchemas = placeholders(int(settings().schemas.size()));
    QVariantList binds;
    for (const QString &schema : settings().schemas)
        binds << schema;

    Result<QList<QVariantList>> present
        = select(QStringLiteral("SELECT SCHEMA_NAME FROM information_schema.SCHEMATA "
                                "WHERE SCHEMA_NAME IN (%1)")
                     .arg(inSchemas),
                 binds);
    if (!present.ok())
        return present.error();
    QStringList found;
    for (const QVariantList &row : std::as_const(*present))
        found << row.value(0).toString();
    for (const QString &schema : settings().schemas) {
        if (!found.contains(schema))
            warnings << QStringLiteral("Database \"%1\" does not exist (or is not visible to user "
                                       "\"%2\").")
                            .arg(schema, settings().user);
    }

    Result<QList<QVariantList>> tableRows = select(
        QStringLiteral("SELECT TABLE_SCHEMA, TABLE_NAME, TABLE_TYPE, TABLE_ROWS, TABLE_COMMENT "
                       "FROM information_schema.TABLES WHERE TABLE_SCHEMA IN (%1)")
            .arg(inSchemas),
        binds);
    if (!tableRows.ok())
        return tableRows.error();
    QList<SchemaTable> tables;
    QHash<QString, int> index;
    for (const QVariantList &row : std::as_const(*tableRows)) {
        SchemaTable table;
        table.ref = TableRef {QString(), row.at(0).toString(), row.at(1).toString()};
        const QString type = row.at(2).toString();
        const bool view = type.contains(QLatin1String("VIEW"));
        table.kind = view ? QStringLiteral("view") : QStringLiteral("table");
        if (!view && !row.at(3).isNull())
            table.estimatedRows = row.at(3).toLongLong();
        // MySQL puts the word "VIEW" in a view's comment.
        if (!view)
            table.comment = row.at(4).toString();
        index.insert(tableKey(row.at(0), row.at(1)), int(tables.size()));
        tables << table;
    }
    if (cancel.isCancelled())
        return tables;

    Result<QList<QVariantList>> columnRows = select(
        QStringLiteral("SELECT TABLE_SCHEMA, TABLE_NAME, COLUMN_NAME, COLUMN_TYPE, IS_NULLABLE, "
                       "COLUMN_COMMENT FROM information_schema.COLUMNS WHERE TABLE_SCHEMA IN (%1) "
                       "ORDER BY TABLE_SCHEMA, TABLE_NAME, ORDINAL_POSITION")
            .arg(inSchemas),
        binds);
    if (!columnRows.ok())
        return columnRows.error();
    for (const QVariantList &row : std::as_const(*columnRows)) {
        const int at = index.value(tableKey(row.at(0), row.at(1)), -1);
        if (at < 0)
            continue;
        tables[at].columns << column(row.at(2).toString(), row.at(3).toString(),
                                     row.at(4).toString() == QLatin1String("YES"),
                                     row.at(5).toString());
    }
    if (cancel.isCancelled())
        return tables;

    Result<QList<QVariantList>> keyRows = select(
        QStringLiteral("SELECT TABLE_SCHEMA, TABLE_NAME, COLUMN_NAME, CONSTRAINT_NAME, "
                       "REFERENCED_TABLE_SCHEMA, REFERENCED_TABLE_NAME, REFERENCED_COLUMN_NAME "
                       "FROM information_schema.KEY_COLUMN_USAGE WHERE TABLE_SCHEMA IN (%1) "
                       "AND (CONSTRAINT_NAME = 'PRIMARY' OR REFERENCED_TABLE_NAME IS NOT NULL) "
                       "ORDER BY TABLE_SCHEMA, TABLE_NAME, CONSTRAINT_NAME, ORDINAL_POSITION")
            .arg(inSchemas),
        binds);
    if (!keyRows.ok()) {
        warnings << QStringLiteral("Keys could not be read: %1").arg(keyRows.error().message);
        return tables;
    }
    for (const QVariantList &row : std::as_const(*keyRows)) {
        const int at = index.value(tableKey(row.at(0), row.at(1)), -1);
        if (at < 0)
            continue;
        const QString columnName = row.at(2).toString();
        if (row.at(3).toString() == QLatin1String("PRIMARY") && row.at(5).isNull()) {
            for (SchemaColumn &column : tables[at].columns) {
                if (column.name == columnName)
                    column.primaryKey = true;
            }
        } else {
            tables[at].foreignKeys << SchemaForeignKey {columnName,           QString(),
                                                        row.at(4).toString(), row.at(5).toString(),
                                                        row.at(6).toString(), row.at(3).toString()};
        }
    }
    return tables;
}

QJsonObject MysqlSession::metadata()
{
    QJsonArray schemas;
    for (const QString &schema : settings().schemas)
        schemas.append(schema);
    QJsonObject meta {
        {QStringLiteral("database"),
         settings().database.isEmpty() ? settings().schemas.value(0) : settings().database},
        {QStringLiteral("schemas"), schemas},
        {QStringLiteral("host"), settings().host},
        {QStringLiteral("server_version"), m_serverVersion}};
    if (settings().port > 0)
        meta.insert(QStringLiteral("port"), settings().port);
    return meta;
}

bool MysqlSession::retryWithoutLimitWrapper(const QSqlError &error) const
{
    return error.nativeErrorCode() == QLatin1String("1060"); // ER_DUP_FIELDNAME
}

QString MysqlSession::resultColumnType(const QSqlField &field) const
{
    const QString name = typeNameForFieldType(field.typeID());
    return name.isEmpty() ? QtSqlSession::resultColumnType(field) : name;
}

} // namespace ktx
