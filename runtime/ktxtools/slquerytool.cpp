#include "ktxtools/slquerytool.h"

#include "ktxtools/ktxtooljson.h"
#include "ktxtools/semanticqueryrunner.h"

#include <limits>

namespace ktx {

AgentTool makeSlQueryTool(KtxToolContextPtr context)
{
    AgentTool tool;
    tool.name = QStringLiteral("sl_query");
    tool.description = QStringLiteral(
        "Run a query against the semantic layer and get headers, rows and totalRows back. "
        "Measures are predefined names (\"orders.order_count\") or {expr, name} objects; "
        "dimensions are {field, granularity?} with granularity day, week, month, quarter or "
        "year. Joins are planned for you, and measures from different one-to-many branches "
        "(fan-out and chasm traps) are aggregated separately so nothing is double counted; "
        "notes explain such decisions and must be read. The SQL and the plan are left out "
        "unless you ask for them with include: [\"sql\"] and/or [\"plan\"]. Example: "
        "sl_query({ connectionId: \"warehouse\", measures: [\"orders.order_count\"], "
        "dimensions: [{ field: \"orders.created_at\", granularity: \"month\" }] }).");
    tool.inputSchema = KtxToolJson::parseObject(R"({
        "$schema": "http://json-schema.org/draft-07/schema#",
        "type": "object",
        "properties": {
            "connectionId": {"type": "string", "minLength": 1,
                "description": "Connection to query; may be left out when the project has exactly one."},
            "measures": {
                "minItems": 1,
                "type": "array",
                "items": {
                    "anyOf": [
                        {"type": "string"},
                        {"type": "object",
                         "properties": {
                             "expr": {"type": "string", "minLength": 1},
                             "name": {"type": "string", "minLength": 1}
                         },
                         "required": ["expr", "name"]}
                    ]
                },
                "description": "Predefined measures as source.measure, or {expr, name} for an aggregate expression or a formula over other measures."
            },
            "dimensions": {
                "default": [],
                "type": "array",
                "items": {
                    "type": "object",
                    "properties": {
                        "field": {"type": "string", "minLength": 1},
                        "granularity": {"type": "string", "minLength": 1}
                    },
                    "required": ["field"]
                },
                "description": "Columns to group by, as source.column; time columns take a granularity."
            },
            "filters": {"default": [], "type": "array", "items": {"type": "string"},
                "description": "SQL predicates over source.column (or measures, which filter after aggregation)."},
            "segments": {"default": [], "type": "array", "items": {"type": "string"},
                "description": "Named filters as source.segment."},
            "order_by": {
                "default": [],
                "type": "array",
                "items": {
                    "type": "object",
                    "properties": {
                        "field": {"type": "string", "minLength": 1},
                        "direction": {"default": "asc", "type": "string", "enum": ["asc", "desc"]}
                    },
                    "required": ["field"]
                }
            },
            "limit": {"default": 1000, "type": "integer", "minimum": 0,
                      "maximum": 9007199254740991},
            "include_empty": {"default": true, "type": "boolean",
                "description": "Keep dimension values that have no rows for some measure."},
            "include": {"default": [], "type": "array",
                        "items": {"type": "string", "enum": ["plan", "sql"]},
                        "description": "Extra output: the generated SQL and/or the query plan."}
        },
        "required": ["measures"]
    })");
    tool.outputSchema = KtxToolJson::parseObject(R"({
        "$schema": "http://json-schema.org/draft-07/schema#",
        "type": "object",
        "properties": {
            "connectionId": {"type": "string"},
            "dialect": {"type": "string"},
            "headers": {"type": "array", "items": {"type": "string"}},
            "rows": {"type": "array", "items": {"type": "array", "items": {}}},
            "totalRows": {"type": "number"},
            "notes": {"type": "array", "items": {"type": "string"}},
            "sql": {"type": "string"},
            "plan": {"type": "object", "propertyNames": {"type": "string"},
                     "additionalProperties": {}}
        },
        "required": ["headers", "rows", "totalRows"],
        "additionalProperties": false
    })");
    tool.annotations.title = QStringLiteral("Semantic Layer Query");
    tool.annotations.readOnly = true;
    tool.annotations.idempotent = false;
    tool.execute = [context](const QJsonObject &args, const CancellationToken &cancel) {
        const SemanticQueryRunner runner(context->projectDir, context->config);
        QString connectionId = args.value(QLatin1String("connectionId")).toString();
        if (connectionId.isEmpty()) {
            Result<QString> picked = runner.defaultConnection();
            if (!picked.ok())
                return KtxToolJson::failure(picked.error());
            connectionId = *picked;
        }
        QJsonObject queryJson = args;
        queryJson.remove(QStringLiteral("connectionId"));
        queryJson.remove(QStringLiteral("include"));
        // The schema allows any safe integer; a row cap beyond int is no cap.
        const double limit = args.value(QLatin1String("limit")).toDouble(1000);
        if (limit > std::numeric_limits<int>::max())
            queryJson.insert(QStringLiteral("limit"), std::numeric_limits<int>::max());
        Result<SemanticQuery> query = SemanticQuery::fromJson(queryJson);
        if (!query.ok())
            return KtxToolJson::failure(query.error());
        bool wantSql = false;
        bool wantPlan = false;
        for (const QJsonValue &v : args.value(QLatin1String("include")).toArray()) {
            wantSql = wantSql || v.toString() == QLatin1String("sql");
            wantPlan = wantPlan || v.toString() == QLatin1String("plan");
        }

        SemanticQueryRunner::Request request;
        request.connectionId = connectionId;
        request.query = *query;
        request.cancel = cancel;
        Result<SemanticQueryRunner::Outcome> outcome = runner.run(request);
        if (!outcome.ok())
            return KtxToolJson::failure(outcome.error());

        QJsonObject out {
            {QStringLiteral("connectionId"), outcome->connectionId},
            {QStringLiteral("dialect"), outcome->dialect},
            {QStringLiteral("headers"), QJsonArray::fromStringList(outcome->headers())},
            {QStringLiteral("rows"), KtxToolJson::rows(outcome->result)},
            {QStringLiteral("totalRows"), int(outcome->result.rows.size())}};
        if (!outcome->notes.isEmpty())
            out.insert(QStringLiteral("notes"), QJsonArray::fromStringList(outcome->notes));
        // Without execution the SQL is the only answer there is.
        if (wantSql || !outcome->executed)
            out.insert(QStringLiteral("sql"), outcome->sql);
        if (wantPlan)
            out.insert(QStringLiteral("plan"), outcome->planJson());
        return KtxToolJson::success(out);
    };
    return tool;
}

} // namespace ktx
