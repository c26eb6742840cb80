#include "ktxtools/connectionlisttool.h"

#include "ktxtools/ktxtooljson.h"

namespace ktx {

AgentTool makeConnectionListTool(KtxToolContextPtr context)
{
    AgentTool tool;
    tool.name = QStringLiteral("connection_list");
    tool.description = QStringLiteral(
        "List the read-only database connections of this ktx project with their id, display "
        "name and type. Call it first when you do not know which connectionId to pass to "
        "sl_query, entity_details or sql_execution.");
    tool.inputSchema = KtxToolJson::parseObject(R"({
        "$schema": "http://json-schema.org/draft-07/schema#",
        "type": "object",
        "properties": {}
    })");
    tool.outputSchema = KtxToolJson::parseObject(R"({
        "$schema": "http://json-schema.org/draft-07/schema#",
        "type": "object",
        "properties": {
            "connections": {
                "type": "array",
                "items": {
                    "type": "object",
                    "properties": {
                        "id": {"type": "string"},
                        "name": {"type": "string"},
                        "connectionType": {"type": "string"}
                    },
                    "required": ["id", "name", "connectionType"],
                    "additionalProperties": false
                }
            }
        },
        "required": ["connections"],
        "additionalProperties": false
    })");
    tool.annotations.title = QStringLiteral("Connection List");
    tool.annotations.readOnly = true;
    tool.annotations.idempotent = true;
    tool.execute = [context](const QJsonObject &, const CancellationToken &) {
        QJsonArray connections;
        for (const ConnectionConfig &c : context->config.connections) {
            // Context sources (dbt, BI tools, documents) are not queryable.
            if (c.kind() != ConnectionKind::Warehouse)
                continue;
            const QString name = c.field(QStringLiteral("name"));
            connections.append(
                QJsonObject {{QStringLiteral("id"), c.id},
                             {QStringLiteral("name"), name.isEmpty() ? c.id : name},
                             {QStringLiteral("connectionType"), c.driver.toUpper()}});
        }
        return KtxToolJson::success({{QStringLiteral("connections"), connections}});
    };
    return tool;
}

} // namespace ktx
