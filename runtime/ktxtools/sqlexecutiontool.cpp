#include "ktxtools/sqlexecutiontool.h"

#include "db/connectionsettings.h"
#include "db/queryjob.h"
#include "ktxtools/ktxtooljson.h"

namespace ktx {

namespace {

constexpr int kDefaultMaxRows = 1000;

bool semanticLayerOnly(const ConnectionConfig &c)
{
    return c.field(QStringLiteral("query_policy")) == QLatin1String("semantic-layer-only");
}

// The original's wording for the guard's refusals, then what the guard found.
Error explained(Error e)
{
    if (e.code == QLatin1String("sql_multiple_statements")
        && !e.message.startsWith(QLatin1String("Only one SQL statement")))
        e.message = QStringLiteral("Only one SQL statement can be executed. ") + e.message;
    else if (e.code == QLatin1String("sql_not_read_only")
             && !e.message.startsWith(QLatin1String("SQL contains read/write operation")))
        e.message = QStringLiteral("SQL contains read/write operation. ") + e.message;
    if (e.hint.isEmpty() && e.code.startsWith(QLatin1String("sql_")))
        e.hint = QStringLiteral("Send a single SELECT or WITH query; the database is never "
                                "changed.");
    return e;
}

} // namespace

bool sqlExecutionAllowed(const ProjectConfig &config)
{
    for (const ConnectionConfig &c : config.connections) {
        if (c.kind() == ConnectionKind::Warehouse && !semanticLayerOnly(c))
            return true;
    }
    return false;
}

AgentTool makeSqlExecutionTool(KtxToolContextPtr context)
{
    AgentTool tool;
    tool.name = QStringLiteral("sql_execution");
    tool.description = QStringLiteral(
        "Run one read-only SQL query (a single SELECT or WITH, checked before it reaches the "
        "database) on a connection and get headers, column types and rows back, at most "
        "maxRows (default 1000, up to 10000). Prefer sl_query when the semantic layer covers "
        "the question; use this for samples and checks it cannot express. Example: "
        "sql_execution({ connectionId: \"warehouse\", sql: \"select status, count(*) from "
        "orders group by 1\", maxRows: 100 }).");
    tool.inputSchema = KtxToolJson::parseObject(R"({
        "$schema": "http://json-schema.org/draft-07/schema#",
        "type": "object",
        "properties": {
            "connectionId": {"type": "string", "minLength": 1},
            "sql": {"type": "string", "minLength": 1,
                    "description": "One SELECT or WITH statement in the connection's dialect."},
            "maxRows": {"default": 1000, "type": "integer", "minimum": 1, "maximum": 10000}
        },
        "required": ["connectionId", "sql"]
    })");
    tool.outputSchema = KtxToolJson::parseObject(R"({
        "$schema": "http://json-schema.org/draft-07/schema#",
        "type": "object",
        "properties": {
            "headers": {"type": "array", "items": {"type": "string"}},
            "headerTypes": {"type": "array", "items": {"type": "string"}},
            "rows": {"type": "array", "items": {"type": "array", "items": {}}},
            "rowCount": {"type": "number"}
        },
        "required": ["headers", "rows", "rowCount"],
        "additionalProperties": false
    })");
    tool.annotations.title = QStringLiteral("SQL Execution");
    tool.annotations.readOnly = true;
    tool.annotations.idempotent = false;
    tool.execute = [context](const QJsonObject &args, const CancellationToken &cancel) {
        const QString connectionId = args.value(QLatin1String("connectionId")).toString();
        const QString sql = args.value(QLatin1String("sql")).toString();
        const int maxRows = args.value(QLatin1String("maxRows")).toInt(kDefaultMaxRows);
        const ConnectionConfig *config = context->config.connection(connectionId);
        if (!config)
            return ToolOutput::failure(
                QStringLiteral("Connection \"%1\" is not configured in ktx.yaml\nconnection_list "
                               "names the configured connections.")
                    .arg(connectionId));
        // From ktx.yaml only: no argument can lift it.
        if (semanticLayerOnly(*config))
            return ToolOutput::failure(
                QStringLiteral("Connection \"%1\" is restricted to semantic-layer queries "
                               "(query_policy: semantic-layer-only in ktx.yaml); raw SQL execution "
                               "is disabled. Query it through the semantic layer with predefined "
                               "measures instead (the sl_query tool or `ktx sl query`).")
                    .arg(connectionId));
        Result<ConnectionSettings> settings
            = ConnectionSettings::fromConfig(*config, context->projectDir);
        if (!settings.ok()) {
            if (settings.error().code == QLatin1String("driver_unsupported"))
                return ToolOutput::failure(
                    QStringLiteral("Connection \"%1\" (%2) does not support read-only SQL "
                                   "execution in this version of ktx.")
                        .arg(connectionId, config->driver));
            return KtxToolJson::failure(settings.error());
        }
        // A client that cancels or hangs up stops the statement on the server.
        Result<QueryResult> result
            = QueryJob::toResult(QueryJob::run(*settings, sql, maxRows, cancel));
        if (!result.ok())
            return KtxToolJson::failure(explained(result.error()));
        QJsonObject out {{QStringLiteral("headers"), QJsonArray::fromStringList(result->columns)},
                         {QStringLiteral("rows"), KtxToolJson::rows(*result)},
                         {QStringLiteral("rowCount"), int(result->rows.size())}};
        if (result->columnTypes.size() == result->columns.size())
            out.insert(QStringLiteral("headerTypes"),
                       QJsonArray::fromStringList(result->columnTypes));
        return KtxToolJson::success(out);
    };
    return tool;
}

} // namespace ktx
