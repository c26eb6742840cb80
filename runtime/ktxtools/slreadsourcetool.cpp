#include "ktxtools/slreadsourcetool.h"

#include "ktxtools/ktxtooljson.h"
#include "semantic/semanticlayerstore.h"

#include <QFile>

namespace ktx {

AgentTool makeSlReadSourceTool(KtxToolContextPtr context)
{
    AgentTool tool;
    tool.name = QStringLiteral("sl_read_source");
    tool.description = QStringLiteral(
        "Return the YAML of one semantic-layer source (its table or SQL, columns, grain, joins, "
        "measures and segments), looked up by connection id and source name. Read it before "
        "writing an sl_query so you use the measure and column names it defines. Example: "
        "sl_read_source({ connectionId: \"warehouse\", sourceName: \"orders\" }).");
    tool.inputSchema = KtxToolJson::parseObject(R"({
        "$schema": "http://json-schema.org/draft-07/schema#",
        "type": "object",
        "properties": {
            "connectionId": {"type": "string", "minLength": 1,
                             "description": "The connection whose semantic layer holds the source."},
            "sourceName": {"type": "string", "minLength": 1,
                           "description": "The source's declared name, e.g. orders."}
        },
        "required": ["connectionId", "sourceName"]
    })");
    tool.outputSchema = KtxToolJson::parseObject(R"({
        "$schema": "http://json-schema.org/draft-07/schema#",
        "type": "object",
        "properties": {
            "sourceName": {"type": "string"},
            "yaml": {"type": "string"}
        },
        "required": ["sourceName", "yaml"],
        "additionalProperties": false
    })");
    tool.annotations.title = QStringLiteral("Semantic Layer Read Source");
    tool.annotations.readOnly = true;
    tool.annotations.idempotent = true;
    tool.execute = [context](const QJsonObject &args, const CancellationToken &) {
        const QString connectionId = args.value(QLatin1String("connectionId")).toString();
        const QString name = args.value(QLatin1String("sourceName")).toString();
        const SemanticLayerStore store(context->projectDir);
        Result<SemanticLayerStore::Found> found = store.find(name, connectionId);
        if (!found.ok()) {
            Error error = found.error();
            QStringList names;
            for (const SemanticSource &s : store.load(connectionId).sources)
                names << s.name;
            error.hint = names.isEmpty()
                ? QStringLiteral("Connection \"%1\" has no semantic-layer sources.")
                      .arg(connectionId)
                : QStringLiteral("Sources of \"%1\": %2.")
                      .arg(connectionId, names.join(QStringLiteral(", ")));
            return KtxToolJson::failure(error);
        }
        QFile file(found->source.filePath);
        if (!file.open(QIODevice::ReadOnly))
            return ToolOutput::failure(
                QStringLiteral("Cannot read %1: %2").arg(file.fileName(), file.errorString()));
        return KtxToolJson::success({{QStringLiteral("sourceName"), found->source.name},
                                     {QStringLiteral("yaml"), QString::fromUtf8(file.readAll())}});
    };
    return tool;
}

} // namespace ktx
