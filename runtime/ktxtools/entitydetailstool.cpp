#include "ktxtools/entitydetailstool.h"

#include "db/schemasnapshot.h"
#include "ingest/livedatabaseevidence.h"
#include "ktxtools/ktxtooljson.h"
#include "ktxtools/namematch.h"

#include <QDir>
#include <QFileInfo>
#include <QJsonDocument>

#include <algorithm>

namespace ktx {

namespace {

QJsonValue stringOrNull(const QString &text)
{
    return text.isEmpty() ? QJsonValue(QJsonValue::Null) : QJsonValue(text);
}

QJsonObject refJson(const TableRef &ref)
{
    return {{QStringLiteral("catalog"), stringOrNull(ref.catalog)},
            {QStringLiteral("db"), stringOrNull(ref.db)},
            {QStringLiteral("name"), ref.name}};
}

QString unquoted(QString part)
{
    part = part.trimmed();
    if (part.size() >= 2
        && ((part.startsWith(QLatin1Char('"')) && part.endsWith(QLatin1Char('"')))
            || (part.startsWith(QLatin1Char('`')) && part.endsWith(QLatin1Char('`')))
            || (part.startsWith(QLatin1Char('[')) && part.endsWith(QLatin1Char(']')))))
        return part.mid(1, part.size() - 2);
    return part;
}

// The scan the tool reads: every table of the newest complete sync folder.
struct Scan
{
    QString syncId;
    QString extractedAt;
    QList<SchemaTable> tables;

    QJsonObject snapshotJson() const
    {
        return {{QStringLiteral("syncId"), syncId},
                {QStringLiteral("extractedAt"), extractedAt},
                {QStringLiteral("scanRunId"), QJsonValue::Null}};
    }
};

std::optional<Scan> readScan(const QString &projectDir, const QString &connectionId)
{
    const QString dir = LiveDatabaseEvidence::latestSyncDir(projectDir, connectionId);
    if (dir.isEmpty())
        return std::nullopt;
    Scan scan;
    scan.syncId = QFileInfo(dir).fileName();
    const QMap<QString, QByteArray> files = LiveDatabaseEvidence::readSyncDir(dir);
    scan.extractedAt = QJsonDocument::fromJson(files.value(QStringLiteral("connection.json")))
                           .object()
                           .value(QLatin1String("extractedAt"))
                           .toString();
    for (auto it = files.cbegin(); it != files.cend(); ++it) {
        if (it.key().startsWith(QLatin1String("tables/"))
            && it.key().endsWith(QLatin1String(".json")))
            scan.tables << SchemaTable::fromJson(QJsonDocument::fromJson(it.value()).object());
    }
    std::sort(scan.tables.begin(), scan.tables.end(),
              [](const SchemaTable &a, const SchemaTable &b) {
                  return a.ref.displayName() < b.ref.displayName();
              });
    return scan;
}

// What the caller asked for, as up to three name parts; an empty part matches
// anything (a bare "orders" in any schema).
struct Wanted
{
    QString catalog;
    QString db;
    QString name;
};

Wanted wantedFrom(const QJsonValue &table)
{
    if (table.isObject()) {
        const QJsonObject o = table.toObject();
        return {o.value(QLatin1String("catalog")).toString(),
                o.value(QLatin1String("db")).toString(), o.value(QLatin1String("name")).toString()};
    }
    const QStringList parts = table.toString().split(QLatin1Char('.'));
    Wanted w;
    w.name = unquoted(parts.value(parts.size() - 1));
    if (parts.size() >= 2)
        w.db = unquoted(parts.value(parts.size() - 2));
    if (parts.size() >= 3)
        w.catalog = unquoted(parts.mid(0, parts.size() - 2).join(QLatin1Char('.')));
    return w;
}

QList<const SchemaTable *> matches(const Scan &scan, const Wanted &w, Qt::CaseSensitivity cs)
{
    QList<const SchemaTable *> out;
    for (const SchemaTable &t : scan.tables) {
        if (t.ref.name.compare(w.name, cs) != 0)
            continue;
        if (!w.db.isEmpty() && t.ref.db.compare(w.db, cs) != 0)
            continue;
        if (!w.catalog.isEmpty() && t.ref.catalog.compare(w.catalog, cs) != 0)
            continue;
        out << &t;
    }
    return out;
}

QJsonArray tableCandidates(const QList<const SchemaTable *> &tables)
{
    QJsonArray out;
    for (const SchemaTable *t : tables)
        out.append(QJsonObject {{QStringLiteral("tableRef"), refJson(t->ref)},
                                {QStringLiteral("display"), t->ref.displayName()}});
    return out;
}

// Tables whose name is close to the asked one: enough for an agent that
// misspelled or half-remembered a name.
QList<const SchemaTable *> similarTables(const Scan &scan, const QString &name)
{
    QList<const SchemaTable *> out;
    for (const SchemaTable &t : scan.tables) {
        if (NameMatch::similar(name, t.ref.name))
            out << &t;
        if (out.size() >= 10)
            break;
    }
    return out;
}

QJsonObject failure(const QString &connectionId, const QJsonValue &table, const Scan *scan,
                    const QString &code, const QString &message, const QJsonArray &candidates = {})
{
    QJsonObject error {{QStringLiteral("code"), code}, {QStringLiteral("message"), message}};
    if (!candidates.isEmpty())
        error.insert(QStringLiteral("candidates"), candidates);
    QJsonObject out {{QStringLiteral("ok"), false},
                     {QStringLiteral("connectionId"), connectionId},
                     {QStringLiteral("table"), table},
                     {QStringLiteral("error"), error}};
    if (scan)
        out.insert(QStringLiteral("snapshot"), scan->snapshotJson());
    return out;
}

QJsonObject details(const QString &connectionId, const Scan &scan, const SchemaTable &t,
                    const QStringList &onlyColumns)
{
    QJsonArray columns;
    for (const SchemaColumn &c : t.columns) {
        if (!onlyColumns.isEmpty() && !onlyColumns.contains(c.name, Qt::CaseInsensitive))
            continue;
        columns.append(
            QJsonObject {{QStringLiteral("name"), c.name},
                         {QStringLiteral("nativeType"), c.nativeType},
                         {QStringLiteral("normalizedType"), c.normalizedType},
                         {QStringLiteral("dimensionType"),
                          c.dimensionType.isEmpty() ? QStringLiteral("string") : c.dimensionType},
                         {QStringLiteral("nullable"), c.nullable},
                         {QStringLiteral("primaryKey"), c.primaryKey},
                         {QStringLiteral("comment"), stringOrNull(c.comment)}});
    }
    QJsonArray keys;
    for (const SchemaForeignKey &k : t.foreignKeys) {
        if (!onlyColumns.isEmpty() && !onlyColumns.contains(k.fromColumn, Qt::CaseInsensitive))
            continue;
        keys.append(
            QJsonObject {{QStringLiteral("fromColumn"), k.fromColumn},
                         {QStringLiteral("toCatalog"), stringOrNull(k.toCatalog)},
                         {QStringLiteral("toDb"), stringOrNull(k.toDb)},
                         {QStringLiteral("toTable"), k.toTable},
                         {QStringLiteral("toColumn"), k.toColumn},
                         {QStringLiteral("constraintName"), stringOrNull(k.constraintName)}});
    }
    static const QStringList kinds {QStringLiteral("table"), QStringLiteral("view"),
                                    QStringLiteral("external"), QStringLiteral("event_stream")};
    const std::optional<qint64> rows = t.estimatedRows ? t.estimatedRows : t.exactRows;
    return {{QStringLiteral("ok"), true},
            {QStringLiteral("connectionId"), connectionId},
            {QStringLiteral("tableRef"), refJson(t.ref)},
            {QStringLiteral("display"), t.ref.displayName()},
            {QStringLiteral("kind"), kinds.contains(t.kind) ? t.kind : QStringLiteral("table")},
            {QStringLiteral("comment"), stringOrNull(t.comment)},
            {QStringLiteral("estimatedRows"),
             rows ? QJsonValue(double(*rows)) : QJsonValue(QJsonValue::Null)},
            {QStringLiteral("columns"), columns},
            {QStringLiteral("foreignKeys"), keys},
            {QStringLiteral("snapshot"), scan.snapshotJson()}};
}

QJsonObject lookUp(const QString &connectionId, const Scan &scan, const QJsonObject &entity)
{
    const QJsonValue table = entity.value(QLatin1String("table"));
    const Wanted wanted = wantedFrom(table);
    QList<const SchemaTable *> found = matches(scan, wanted, Qt::CaseSensitive);
    if (found.isEmpty())
        found = matches(scan, wanted, Qt::CaseInsensitive);
    if (found.isEmpty()) {
        const QList<const SchemaTable *> similar = similarTables(scan, wanted.name);
        return failure(connectionId, table, &scan, QStringLiteral("table_not_found"),
                       QStringLiteral("No table \"%1\" in the latest scan of %2 (%3 tables).")
                           .arg(table.isString() ? table.toString() : wanted.name, connectionId)
                           .arg(scan.tables.size()),
                       tableCandidates(similar));
    }
    if (found.size() > 1)
        return failure(connectionId, table, &scan, QStringLiteral("ambiguous_table"),
                       QStringLiteral("\"%1\" matches %2 tables; pass {catalog, db, name} or a "
                                      "qualified name.")
                           .arg(wanted.name)
                           .arg(found.size()),
                       tableCandidates(found));
    const SchemaTable &t = *found.first();
    QStringList asked;
    for (const QJsonValue &c : entity.value(QLatin1String("columns")).toArray())
        asked << c.toString();
    QStringList missing;
    for (const QString &c : std::as_const(asked)) {
        if (!t.column(c)) {
            bool caseless = false;
            for (const SchemaColumn &sc : t.columns)
                caseless = caseless || sc.name.compare(c, Qt::CaseInsensitive) == 0;
            if (!caseless)
                missing << c;
        }
    }
    if (!missing.isEmpty()) {
        QJsonArray names;
        for (const SchemaColumn &c : t.columns)
            names.append(c.name);
        return failure(connectionId, table, &scan, QStringLiteral("column_not_found"),
                       QStringLiteral("%1 has no column %2.")
                           .arg(t.ref.displayName(), missing.join(QStringLiteral(", "))),
                       names);
    }
    return details(connectionId, scan, t, asked);
}

} // namespace

AgentTool makeEntityDetailsTool(KtxToolContextPtr context)
{
    AgentTool tool;
    tool.name = QStringLiteral("entity_details");
    tool.description = QStringLiteral(
        "Describe tables from the latest schema scan of a connection: kind, comment, estimated "
        "rows, columns (native and normalized type, nullability, primary key, comment) and "
        "foreign keys. Name a table as \"orders\", \"public.orders\" or {catalog, db, name}; "
        "pass columns to get only those. Each entity gets its own result, ok or an error with "
        "candidates. Example: entity_details({ connectionId: \"warehouse\", entities: [{ table: "
        "\"orders\", columns: [\"status\"] }] }).");
    tool.inputSchema = KtxToolJson::parseObject(R"({
        "$schema": "http://json-schema.org/draft-07/schema#",
        "type": "object",
        "properties": {
            "connectionId": {"type": "string", "minLength": 1},
            "entities": {
                "minItems": 1,
                "maxItems": 20,
                "type": "array",
                "items": {
                    "type": "object",
                    "properties": {
                        "table": {
                            "anyOf": [
                                {"type": "string", "minLength": 1},
                                {"type": "object",
                                 "properties": {
                                     "catalog": {"anyOf": [{"type": "string"}, {"type": "null"}]},
                                     "db": {"anyOf": [{"type": "string"}, {"type": "null"}]},
                                     "name": {"type": "string", "minLength": 1}
                                 },
                                 "required": ["catalog", "db", "name"]}
                            ]
                        },
                        "columns": {"type": "array", "items": {"type": "string", "minLength": 1}}
                    },
                    "required": ["table"]
                }
            }
        },
        "required": ["connectionId", "entities"]
    })");
    tool.outputSchema = KtxToolJson::parseObject(R"({
        "$schema": "http://json-schema.org/draft-07/schema#",
        "type": "object",
        "properties": {
            "results": {
                "type": "array",
                "items": {
                    "anyOf": [
                        {
                            "type": "object",
                            "properties": {
                                "ok": {"type": "boolean", "const": true},
                                "connectionId": {"type": "string"},
                                "tableRef": {
                                    "type": "object",
                                    "properties": {
                                        "catalog": {"anyOf": [{"type": "string"}, {"type": "null"}]},
                                        "db": {"anyOf": [{"type": "string"}, {"type": "null"}]},
                                        "name": {"type": "string"}
                                    },
                                    "required": ["catalog", "db", "name"],
                                    "additionalProperties": false
                                },
                                "display": {"type": "string"},
                                "kind": {"type": "string", "enum": ["table", "view", "external", "event_stream"]},
                                "comment": {"anyOf": [{"type": "string"}, {"type": "null"}]},
                                "estimatedRows": {"anyOf": [{"type": "number"}, {"type": "null"}]},
                                "columns": {
                                    "type": "array",
                                    "items": {
                                        "type": "object",
                                        "properties": {
                                            "name": {"type": "string"},
                                            "nativeType": {"type": "string"},
                                            "normalizedType": {"type": "string"},
                                            "dimensionType": {"type": "string", "enum": ["time", "string", "number", "boolean"]},
                                            "nullable": {"type": "boolean"},
                                            "primaryKey": {"type": "boolean"},
                                            "comment": {"anyOf": [{"type": "string"}, {"type": "null"}]}
                                        },
                                        "required": ["name", "nativeType", "normalizedType", "dimensionType", "nullable", "primaryKey", "comment"],
                                        "additionalProperties": false
                                    }
                                },
                                "foreignKeys": {
                                    "type": "array",
                                    "items": {
                                        "type": "object",
                                        "properties": {
                                            "fromColumn": {"type": "string"},
                                            "toCatalog": {"anyOf": [{"type": "string"}, {"type": "null"}]},
                                            "toDb": {"anyOf": [{"type": "string"}, {"type": "null"}]},
                                            "toTable": {"type": "string"},
                                            "toColumn": {"type": "string"},
                                            "constraintName": {"anyOf": [{"type": "string"}, {"type": "null"}]}
                                        },
                                        "required": ["fromColumn", "toCatalog", "toDb", "toTable", "toColumn", "constraintName"],
                                        "additionalProperties": false
                                    }
                                },
                                "snapshot": {
                                    "type": "object",
                                    "properties": {
                                        "syncId": {"type": "string"},
                                        "extractedAt": {"type": "string"},
                                        "scanRunId": {"anyOf": [{"type": "string"}, {"type": "null"}]}
                                    },
                                    "required": ["syncId", "extractedAt", "scanRunId"],
                                    "additionalProperties": false
                                }
                            },
                            "required": ["ok", "connectionId", "tableRef", "display", "kind", "comment", "estimatedRows", "columns", "foreignKeys", "snapshot"],
                            "additionalProperties": false
                        },
                        {
                            "type": "object",
                            "properties": {
                                "ok": {"type": "boolean", "const": false},
                                "connectionId": {"type": "string"},
                                "table": {
                                    "anyOf": [
                                        {"type": "string"},
                                        {
                                            "type": "object",
                                            "properties": {
                                                "catalog": {"anyOf": [{"type": "string"}, {"type": "null"}]},
                                                "db": {"anyOf": [{"type": "string"}, {"type": "null"}]},
                                                "name": {"type": "string"}
                                            },
                                            "required": ["catalog", "db", "name"],
                                            "additionalProperties": false
                                        }
                                    ]
                                },
                                "snapshot": {
                                    "type": "object",
                                    "properties": {
                                        "syncId": {"type": "string"},
                                        "extractedAt": {"type": "string"},
                                        "scanRunId": {"anyOf": [{"type": "string"}, {"type": "null"}]}
                                    },
                                    "required": ["syncId", "extractedAt", "scanRunId"],
                                    "additionalProperties": false
                                },
                                "error": {
                                    "type": "object",
                                    "properties": {
                                        "code": {"type": "string", "enum": ["scan_missing", "table_not_found", "ambiguous_table", "column_not_found"]},
                                        "message": {"type": "string"},
                                        "candidates": {
                                            "anyOf": [
                                                {
                                                    "type": "array",
                                                    "items": {
                                                        "type": "object",
                                                        "properties": {
                                                            "tableRef": {
                                                                "type": "object",
                                                                "properties": {
                                                                    "catalog": {"anyOf": [{"type": "string"}, {"type": "null"}]},
                                                                    "db": {"anyOf": [{"type": "string"}, {"type": "null"}]},
                                                                    "name": {"type": "string"}
                                                                },
                                                                "required": ["catalog", "db", "name"],
                                                                "additionalProperties": false
                                                            },
                                                            "display": {"type": "string"}
                                                        },
                                                        "required": ["tableRef", "display"],
                                                        "additionalProperties": false
                                                    }
                                                },
                                                {"type": "array", "items": {"type": "string"}}
                                            ]
                                        }
                                    },
                                    "required": ["code", "message"],
                                    "additionalProperties": false
                                }
                            },
                            "required": ["ok", "connectionId", "table", "error"],
                            "additionalProperties": false
                        }
                    ]
                }
            }
        },
        "required": ["results"],
        "additionalProperties": false
    })");
    tool.annotations.title = QStringLiteral("Entity Details");
    tool.annotations.readOnly = true;
    tool.annotations.idempotent = true;
    tool.execute = [context](const QJsonObject &args, const CancellationToken &cancel) {
        const QString connectionId = args.value(QLatin1String("connectionId")).toString();
        if (!context->config.connection(connectionId))
            return ToolOutput::failure(
                QStringLiteral("Connection \"%1\" is not configured in ktx.yaml\nconnection_list "
                               "names the configured connections.")
                    .arg(connectionId));
        const std::optional<Scan> scan = readScan(context->projectDir, connectionId);
        QJsonArray results;
        for (const QJsonValue &entity : args.value(QLatin1String("entities")).toArray()) {
            if (cancel.isCancelled())
                return ToolOutput::failure(QStringLiteral("entity_details was cancelled."));
            if (!scan) {
                results.append(
                    failure(connectionId, entity.toObject().value(QLatin1String("table")), nullptr,
                            QStringLiteral("scan_missing"),
                            QStringLiteral(
                                "Connection \"%1\" has not been scanned yet; run `ktx ingest %1` "
                                "to record its schema.")
                                .arg(connectionId)));
                continue;
            }
            results.append(lookUp(connectionId, *scan, entity.toObject()));
        }
        return KtxToolJson::success({{QStringLiteral("results"), results}});
    };
    return tool;
}

} // namespace ktx
