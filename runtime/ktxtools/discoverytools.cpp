#include "ktxtools/discoverytools.h"

#include "ktxtools/contextsearch.h"
#include "ktxtools/ktxtooljson.h"
#include "search/searchindex.h"

#include <QJsonArray>

namespace ktx {

namespace {

QJsonValue textOrNull(const QString &text)
{
    return text.isEmpty() ? QJsonValue(QJsonValue::Null) : QJsonValue(text);
}

QJsonValue countOrNull(const std::optional<qint64> &n)
{
    return n ? QJsonValue(double(*n)) : QJsonValue(QJsonValue::Null);
}

} // namespace

AgentTool makeDiscoverDataTool(KtxToolContextPtr context)
{
    AgentTool tool;
    tool.name = QStringLiteral("discover_data");
    tool.description = QStringLiteral(
        "Start here: one ranked list of what the project knows about a question, across wiki "
        "pages, semantic-layer sources, their measures and dimensions, and the raw tables and "
        "columns of the latest scan. Returns references only (kind, id, why it matched); open "
        "wiki hits with wiki_read, sl_* hits with sl_read_source, tables and columns with "
        "entity_details. Example: discover_data({ query: \"monthly orders by customer\", "
        "connectionId: \"warehouse\", kinds: [\"sl_source\", \"table\"] }).");
    tool.inputSchema = KtxToolJson::parseObject(R"({
        "$schema": "http://json-schema.org/draft-07/schema#",
        "type": "object",
        "properties": {
            "query": {"type": "string", "minLength": 1,
                      "description": "The question or topic in plain words, e.g. \"churned customers by plan\"."},
            "connectionId": {"description": "Only this warehouse connection (wiki pages that apply to it stay in).",
                             "type": "string", "minLength": 1},
            "kinds": {"description": "Only these kinds of references.",
                      "type": "array",
                      "items": {"type": "string",
                                "enum": ["wiki", "sl_source", "sl_measure", "sl_dimension", "table", "column"],
                                "description": "A kind of reference."}},
            "limit": {"description": "How many references to return at most.", "default": 10,
                      "type": "integer", "minimum": 1, "maximum": 50}
        },
        "required": ["query"]
    })");
    tool.outputSchema = KtxToolJson::parseObject(R"({
        "$schema": "http://json-schema.org/draft-07/schema#",
        "type": "object",
        "properties": {
            "refs": {"type": "array", "items": {"type": "object", "properties": {
                "kind": {"type": "string",
                         "enum": ["wiki", "sl_source", "sl_measure", "sl_dimension", "table", "column"]},
                "id": {"type": "string"},
                "score": {"type": "number"},
                "summary": {"anyOf": [{"type": "string"}, {"type": "null"}]},
                "snippet": {"anyOf": [{"type": "string"}, {"type": "null"}]},
                "matchedOn": {"type": "string",
                              "enum": ["name", "display", "description", "comment", "expr", "sample_value", "body"]},
                "connectionId": {"type": "string"},
                "tableRef": {"type": "object", "properties": {
                    "catalog": {"anyOf": [{"type": "string"}, {"type": "null"}]},
                    "db": {"anyOf": [{"type": "string"}, {"type": "null"}]},
                    "name": {"type": "string"}
                }, "required": ["catalog", "db", "name"], "additionalProperties": false},
                "columnName": {"type": "string"}
            }, "required": ["kind", "id", "score", "summary", "snippet", "matchedOn"],
               "additionalProperties": false}}
        },
        "required": ["refs"],
        "additionalProperties": false
    })");
    tool.annotations.title = QStringLiteral("Discover Data");
    tool.annotations.readOnly = true;
    tool.annotations.idempotent = false;
    tool.execute = [context](const QJsonObject &args, const CancellationToken &cancel) {
        Result<SearchIndex> opened = ContextSearch::open(*context, cancel);
        if (!opened)
            return KtxToolJson::failure(opened.error());
        const SearchIndex &index = *opened;
        SearchRequest request;
        request.query = args.value(QLatin1String("query")).toString();
        request.limit = args.value(QLatin1String("limit")).toInt(10);
        request.connectionId = args.value(QLatin1String("connectionId")).toString();
        request.userId = context->userId;
        for (const QJsonValue &kind : args.value(QLatin1String("kinds")).toArray()) {
            if (!request.kinds.contains(kind.toString()))
                request.kinds << kind.toString();
        }
        Result<SearchResponse> found = index.search(request, cancel);
        if (!found)
            return KtxToolJson::failure(found.error());
        QJsonArray refs;
        for (const SearchHit &hit : found->hits) {
            const SearchDocument &d = hit.document;
            const bool wiki = d.kind == QLatin1String("wiki");
            QJsonObject ref {{QStringLiteral("kind"), d.kind},
                             // Wiki ids are scoped keys, as wiki_read takes them.
                             {QStringLiteral("id"),
                              wiki ? (d.scope == QLatin1String("USER")
                                          ? QStringLiteral("user/%1/%2").arg(d.userId, d.id)
                                          : QStringLiteral("global/%1").arg(d.id))
                                   : d.id},
                             {QStringLiteral("score"), hit.score},
                             {QStringLiteral("summary"), textOrNull(d.summary)},
                             {QStringLiteral("snippet"), textOrNull(hit.snippet)},
                             {QStringLiteral("matchedOn"), hit.matchedOn}};
            if (!d.connectionId.isEmpty())
                ref.insert(QStringLiteral("connectionId"), d.connectionId);
            if (!d.tableRef.isEmpty())
                ref.insert(QStringLiteral("tableRef"), d.tableRef);
            if (!d.columnName.isEmpty())
                ref.insert(QStringLiteral("columnName"), d.columnName);
            refs.append(ref);
        }
        return KtxToolJson::success({{QStringLiteral("refs"), refs}});
    };
    return tool;
}

AgentTool makeDictionarySearchTool(KtxToolContextPtr context)
{
    AgentTool tool;
    tool.name = QStringLiteral("dictionary_search");
    tool.description = QStringLiteral(
        "Find which warehouse columns hold a business value (a customer name, a plan, a status "
        "code), from the values sampled when each connection was last scanned. Use it to turn "
        "words in a question into filters. A miss only means the value was not in the sample. "
        "Example: dictionary_search({ values: [\"Acme Corp\"], connectionId: \"warehouse\" }).");
    tool.inputSchema = KtxToolJson::parseObject(R"({
        "$schema": "http://json-schema.org/draft-07/schema#",
        "type": "object",
        "properties": {
            "values": {"minItems": 1, "maxItems": 20, "type": "array",
                       "items": {"type": "string", "minLength": 1,
                                 "description": "A value as a person would say it, e.g. \"enterprise\"."},
                       "description": "The values to locate."},
            "connectionId": {"description": "Only this warehouse connection.",
                             "type": "string", "minLength": 1}
        },
        "required": ["values"]
    })");
    tool.outputSchema = KtxToolJson::parseObject(R"({
        "$schema": "http://json-schema.org/draft-07/schema#",
        "type": "object",
        "properties": {
            "searched": {"type": "array", "items": {"type": "object", "properties": {
                "connectionId": {"type": "string"},
                "coverage": {"type": "object", "properties": {
                    "sampledRows": {"anyOf": [{"type": "number"}, {"type": "null"}]},
                    "valuesPerColumn": {"anyOf": [{"type": "number"}, {"type": "null"}]},
                    "profiledColumns": {"type": "number"},
                    "syncId": {"anyOf": [{"type": "string"}, {"type": "null"}]},
                    "profiledAt": {"anyOf": [{"type": "string"}, {"type": "null"}]}
                }, "required": ["sampledRows", "valuesPerColumn", "profiledColumns", "syncId", "profiledAt"],
                   "additionalProperties": false},
                "status": {"type": "string", "enum": ["ready", "no_profile_artifact", "no_candidate_columns"]}
            }, "required": ["connectionId", "coverage", "status"], "additionalProperties": false}},
            "results": {"type": "array", "items": {"type": "object", "properties": {
                "value": {"type": "string"},
                "matches": {"type": "array", "items": {"type": "object", "properties": {
                    "connectionId": {"type": "string"},
                    "sourceName": {"type": "string"},
                    "columnName": {"type": "string"},
                    "matchedValue": {"type": "string"},
                    "cardinality": {"anyOf": [{"type": "number"}, {"type": "null"}]}
                }, "required": ["connectionId", "sourceName", "columnName", "matchedValue", "cardinality"],
                   "additionalProperties": false}},
                "misses": {"type": "array", "items": {"type": "object", "properties": {
                    "connectionId": {"type": "string"},
                    "reason": {"type": "string",
                               "enum": ["no_profile_artifact", "no_candidate_columns", "value_not_in_sample"]}
                }, "required": ["connectionId", "reason"], "additionalProperties": false}}
            }, "required": ["value", "matches", "misses"], "additionalProperties": false}}
        },
        "required": ["searched", "results"],
        "additionalProperties": false
    })");
    tool.annotations.title = QStringLiteral("Dictionary Search");
    tool.annotations.readOnly = true;
    tool.annotations.idempotent = false;
    tool.execute = [context](const QJsonObject &args, const CancellationToken &cancel) {
        Result<SearchIndex> opened = ContextSearch::open(*context, cancel);
        if (!opened)
            return KtxToolJson::failure(opened.error());
        const SearchIndex &index = *opened;
        QStringList values;
        for (const QJsonValue &v : args.value(QLatin1String("values")).toArray())
            values << v.toString();
        // Every warehouse in ktx.yaml is reported, profiled or not.
        QStringList connections;
        const QString asked = args.value(QLatin1String("connectionId")).toString();
        if (!asked.isEmpty()) {
            connections << asked;
        } else {
            Result<DictionaryResponse> profiled = index.lookupValues({}, {});
            if (!profiled)
                return KtxToolJson::failure(profiled.error());
            for (const DictionaryCoverage &c : profiled->searched)
                connections << c.connectionId;
            for (const ConnectionConfig &c : context->config.connections) {
                if (c.kind() == ConnectionKind::Warehouse)
                    connections << c.id;
            }
            connections.removeDuplicates();
            connections.sort();
        }
        Result<DictionaryResponse> found = index.lookupValues(values, connections);
        if (!found)
            return KtxToolJson::failure(found.error());
        QJsonArray searched;
        for (const DictionaryCoverage &c : found->searched) {
            searched.append(QJsonObject {
                {QStringLiteral("connectionId"), c.connectionId},
                {QStringLiteral("coverage"),
                 QJsonObject {{QStringLiteral("sampledRows"), countOrNull(c.sampledRows)},
                              {QStringLiteral("valuesPerColumn"), countOrNull(c.valuesPerColumn)},
                              {QStringLiteral("profiledColumns"), c.profiledColumns},
                              {QStringLiteral("syncId"), textOrNull(c.syncId)},
                              {QStringLiteral("profiledAt"), textOrNull(c.profiledAt)}}},
                {QStringLiteral("status"), c.status}});
        }
        QJsonArray results;
        for (const DictionaryValueResult &r : found->results) {
            QJsonArray matches, misses;
            for (const DictionaryMatch &m : r.matches)
                matches.append(
                    QJsonObject {{QStringLiteral("connectionId"), m.connectionId},
                                 {QStringLiteral("sourceName"), m.sourceName},
                                 {QStringLiteral("columnName"), m.columnName},
                                 {QStringLiteral("matchedValue"), m.matchedValue},
                                 {QStringLiteral("cardinality"), countOrNull(m.cardinality)}});
            for (const DictionaryMiss &m : r.misses)
                misses.append(QJsonObject {{QStringLiteral("connectionId"), m.connectionId},
                                           {QStringLiteral("reason"), m.reason}});
            results.append(QJsonObject {{QStringLiteral("value"), r.value},
                                        {QStringLiteral("matches"), matches},
                                        {QStringLiteral("misses"), misses}});
        }
        return KtxToolJson::success(
            {{QStringLiteral("searched"), searched}, {QStringLiteral("results"), results}});
    };
    return tool;
}

} // namespace ktx
