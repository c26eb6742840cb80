#include "sqlcommand.h"

#include "clicontext.h"
#include "db/connectionsettings.h"
#include "db/databasesession.h"
#include "db/querycell.h"
#include "project/configloader.h"
#include "project/projectlocator.h"

#include <QJsonArray>

namespace ktx {

namespace {

constexpr int kDefaultMaxRows = 1000;
constexpr int kMaxMaxRows = 10000;
constexpr int kMaxCellWidth = 60;

bool isNumber(const QVariant &value)
{
    switch (value.typeId()) {
    case QMetaType::Int:
    case QMetaType::UInt:
    case QMetaType::LongLong:
    case QMetaType::ULongLong:
    case QMetaType::Short:
    case QMetaType::UShort:
    case QMetaType::Double:
    case QMetaType::Float:
        return true;
    default:
        return false;
    }
}

// One line per cell: tabs and newlines would break both layouts.
QString oneLine(QString text)
{
    text.replace(QLatin1Char('\\'), QLatin1String("\\\\"));
    text.replace(QLatin1Char('\t'), QLatin1String("\\t"));
    text.replace(QLatin1Char('\n'), QLatin1String("\\n"));
    text.replace(QLatin1Char('\r'), QLatin1String("\\r"));
    return text;
}

QString clip(const QString &text)
{
    if (text.size() <= kMaxCellWidth)
        return text;
    return QString(text.left(kMaxCellWidth - 1) + QChar(0x2026));
}

// Right-trims a padded line; a right-aligned first column keeps its indent.
QString trimEnd(QString line)
{
    while (line.endsWith(QLatin1Char(' ')))
        line.chop(1);
    return line;
}

void printPretty(QTextStream &out, const QueryResult &result)
{
    const int n = int(result.columns.size());
    QList<QStringList> cells;
    QList<int> widths(n, 0);
    QList<bool> rightAlign(n, false);
    for (int c = 0; c < n; ++c)
        widths[c] = int(clip(oneLine(result.columns[c])).size());
    for (const QVariantList &row : result.rows) {
        QStringList line;
        for (int c = 0; c < n; ++c) {
            const QVariant value = row.value(c);
            const QString text
                = value.isNull() ? QStringLiteral("NULL") : clip(oneLine(QueryCell::toText(value)));
            widths[c] = qMax(widths[c], int(text.size()));
            rightAlign[c] = rightAlign[c] || isNumber(value);
            line << text;
        }
        cells << line;
    }
    QStringList header;
    QStringList rule;
    for (int c = 0; c < n; ++c) {
        header << clip(oneLine(result.columns[c])).leftJustified(widths[c]);
        rule << QString(widths[c], QLatin1Char('-'));
    }
    out << trimEnd(header.join(QStringLiteral(" | "))) << '\n'
        << rule.join(QStringLiteral("-+-")) << '\n';
    for (const QStringList &line : std::as_const(cells)) {
        QStringList padded;
        for (int c = 0; c < n; ++c)
            padded << (rightAlign[c] ? line[c].rightJustified(widths[c])
                                     : line[c].leftJustified(widths[c]));
        out << trimEnd(padded.join(QStringLiteral(" | "))) << '\n';
    }
    if (result.truncated)
        out << "(truncated at " << result.rows.size() << " rows)\n";
    else
        out << '(' << result.rows.size() << (result.rows.size() == 1 ? " row)\n" : " rows)\n");
}

void printTsv(QTextStream &out, const QueryResult &result)
{
    QStringList header;
    for (const QString &column : result.columns)
        header << oneLine(column);
    out << header.join(QLatin1Char('\t')) << '\n';
    for (const QVariantList &row : result.rows) {
        QStringList line;
        for (const QVariant &value : row)
            line << oneLine(QueryCell::toText(value));
        out << line.join(QLatin1Char('\t')) << '\n';
    }
}

} // namespace

int SqlCommand::run(CliContext &context, const QStringList &args)
{
    QCommandLineParser parser;
    parser.setApplicationDescription(QStringLiteral(
        "Run one read-only SQL query (a single SELECT or WITH) against a configured database "
        "connection.\n\n"
        "  ktx sql <connectionId> \"<query>\"\n"
        "  ktx sql --connection <connectionId> <query...>\n\n"
        "Output: an aligned table (pretty, the default), tab-separated values with a header "
        "row (plain; NULL is an empty cell), or JSON (--json or --output json)."));
    const QCommandLineOption connection({QStringLiteral("c"), QStringLiteral("connection")},
                                        QStringLiteral("Connection id from ktx.yaml."),
                                        QStringLiteral("id"));
    const QCommandLineOption maxRows(QStringLiteral("max-rows"),
                                     QStringLiteral("Return at most N rows (1-%1, default %2).")
                                         .arg(kMaxMaxRows)
                                         .arg(kDefaultMaxRows),
                                     QStringLiteral("N"), QString::number(kDefaultMaxRows));
    const QCommandLineOption output(QStringLiteral("output"),
                                    QStringLiteral("pretty (default), plain (TSV) or json."),
                                    QStringLiteral("format"), QStringLiteral("pretty"));
    parser.addOptions({connection, maxRows, output});
    parser.addPositionalArgument(QStringLiteral("connectionId"),
                                 QStringLiteral("Connection id (unless --connection is given)."));
    parser.addPositionalArgument(QStringLiteral("query"), QStringLiteral("The SQL to run."));
    if (const auto exit = context.parse(parser, QStringLiteral("sql"), args))
        return *exit;

    QStringList positional = parser.positionalArguments();
    QString connectionId = parser.value(connection);
    if (connectionId.isEmpty() && !positional.isEmpty())
        connectionId = positional.takeFirst();
    const QString sql = positional.join(QLatin1Char(' ')).trimmed();
    if (connectionId.isEmpty() || sql.isEmpty())
        return context.fail(QStringLiteral("usage"),
                            QStringLiteral("ktx sql needs a connection id and a query."),
                            QStringLiteral("Example: ktx sql warehouse \"select count(*) from "
                                           "orders\""),
                            ExitUsage);
    bool numeric = false;
    const int limit = parser.value(maxRows).toInt(&numeric);
    if (!numeric || limit < 1 || limit > kMaxMaxRows)
        return context.fail(QStringLiteral("usage"),
                            QStringLiteral("--max-rows must be a number from 1 to %1 (got \"%2\").")
                                .arg(kMaxMaxRows)
                                .arg(parser.value(maxRows)),
                            {}, ExitUsage);
    const QString format = context.json ? QStringLiteral("json") : parser.value(output);
    if (format != QLatin1String("pretty") && format != QLatin1String("plain")
        && format != QLatin1String("json"))
        return context.fail(
            QStringLiteral("usage"),
            QStringLiteral("--output must be pretty, plain or json (got \"%1\").").arg(format), {},
            ExitUsage);
    context.json = format == QLatin1String("json");

    const ProjectLocator::Resolution where = ProjectLocator::resolve(context.projectDirFlag);
    if (!where.hasConfig)
        return context.fail(QStringLiteral("missing_project"),
                            QStringLiteral("No ktx.yaml found in %1").arg(where.dir),
                            QStringLiteral("Run `ktx setup` to create one."));
    auto loaded = ConfigLoader::loadFile(ProjectLocator::configPath(where.dir));
    if (!loaded.ok())
        return context.fail(loaded.error().code, loaded.error().message, loaded.error().hint);

    const ConnectionConfig *config = loaded->config.connection(connectionId);
    if (!config) {
        QStringList known;
        for (const ConnectionConfig &c : loaded->config.connections) {
            if (c.kind() == ConnectionKind::Warehouse)
                known << c.id;
        }
        return context.fail(
            QStringLiteral("connection_not_found"),
            QStringLiteral("Connection \"%1\" is not configured in ktx.yaml").arg(connectionId),
            known.isEmpty() ? QStringLiteral("Run `ktx setup` to add a database connection.")
                            : QStringLiteral("Configured database connections: %1. Run `ktx "
                                             "setup` to add another.")
                                  .arg(known.join(QStringLiteral(", "))));
    }
    Result<ConnectionSettings> settings = ConnectionSettings::fromConfig(*config, where.dir);
    if (!settings.ok()) {
        if (settings.error().code == QLatin1String("driver_unsupported"))
            return context.fail(QStringLiteral("sql_unsupported"),
                                QStringLiteral("Connection \"%1\" (%2) does not support read-only "
                                               "SQL execution in this version of ktx.")
                                    .arg(connectionId, config->driver),
                                QStringLiteral("ktx sql works with sqlite, postgres and mysql "
                                               "connections."));
        return context.fail(settings.error().code, settings.error().message, settings.error().hint);
    }
    if (context.debug)
        context.err() << "debug: connecting to " << settings->displayTarget() << "\n";

    Result<std::unique_ptr<DatabaseSession>> session = DatabaseSession::open(*settings);
    if (!session.ok())
        return context.fail(session.error().code, session.error().message, session.error().hint);

    Result<QueryResult> result = (*session)->query(sql, limit);
    if (!result.ok()) {
        const Error &e = result.error();
        // The original's wording first, then what the guard found.
        QString message = e.message;
        if (e.code == QLatin1String("sql_multiple_statements")
            && !message.startsWith(QLatin1String("Only one SQL statement")))
            message = QStringLiteral("Only one SQL statement can be executed. ") + message;
        else if (e.code == QLatin1String("sql_not_read_only")
                 && !message.startsWith(QLatin1String("SQL contains read/write operation")))
            message = message.startsWith(QLatin1String("SQL contains "))
                ? QStringLiteral("SQL contains read/write operation: ") + message.mid(13)
                : QStringLiteral("SQL contains read/write operation. ") + message;
        QString hint = e.hint;
        if (hint.isEmpty() && e.code.startsWith(QLatin1String("sql_")))
            hint = QStringLiteral("ktx sql runs a single SELECT or WITH query; the database is "
                                  "never changed.");
        return context.fail(e.code, message, hint);
    }
    if (context.debug)
        context.err() << "debug: " << result->rows.size() << " rows in " << result->elapsedMs
                      << " ms\n";

    if (format == QLatin1String("json")) {
        QJsonArray columns;
        QJsonArray types;
        for (int i = 0; i < result->columns.size(); ++i) {
            columns.append(result->columns[i]);
            types.append(result->columnTypes.value(i));
        }
        QJsonArray rows;
        for (const QVariantList &row : std::as_const(result->rows)) {
            QJsonArray values;
            for (const QVariant &value : row)
                values.append(QueryCell::toJson(value));
            rows.append(values);
        }
        // "headers"/"headerTypes" as the original prints them; "columns" as ours.
        context.printJson(QJsonObject {{QStringLiteral("connectionId"), connectionId},
                                       {QStringLiteral("columns"), columns},
                                       {QStringLiteral("headers"), columns},
                                       {QStringLiteral("headerTypes"), types},
                                       {QStringLiteral("rows"), rows},
                                       {QStringLiteral("rowCount"), int(result->rows.size())},
                                       {QStringLiteral("truncated"), result->truncated}});
    } else if (format == QLatin1String("plain")) {
        printTsv(context.out(), *result);
        if (result->truncated)
            context.err() << "(truncated at " << result->rows.size()
                          << " rows; raise --max-rows to see more)\n";
    } else {
        printPretty(context.out(), *result);
    }
    context.out().flush();
    context.err().flush();
    return ExitOk;
}

} // namespace ktx
