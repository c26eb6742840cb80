#include "ingest/connectioncatalog.h"

#include "ingest/livedatabaseevidence.h"

#include <QJsonDocument>
#include <QJsonObject>

#include <algorithm>

namespace ktx {

namespace {

TableRef tableRefFromJson(const QJsonObject &object)
{
    return TableRef {object.value(QStringLiteral("catalog")).toString(),
                     object.value(QStringLiteral("db")).toString(),
                     object.value(QStringLiteral("name")).toString()};
}

QStringList stringList(const QJsonValue &value)
{
    QStringList out;
    for (const QJsonValue &item : value.toArray())
        out << item.toString();
    return out;
}

} // namespace

CatalogRelationship CatalogRelationship::fromJson(const QJsonObject &object)
{
    CatalogRelationship r;
    const QJsonObject from = object.value(QStringLiteral("from")).toObject();
    const QJsonObject to = object.value(QStringLiteral("to")).toObject();
    r.fromTable = tableRefFromJson(from.value(QStringLiteral("table")).toObject());
    r.fromColumns = stringList(from.value(QStringLiteral("columns")));
    r.toTable = tableRefFromJson(to.value(QStringLiteral("table")).toObject());
    r.toColumns = stringList(to.value(QStringLiteral("columns")));
    r.status = object.value(QStringLiteral("status")).toString();
    r.origin = object.value(QStringLiteral("source")).toString();
    if (r.origin.isEmpty())
        r.origin = object.value(QStringLiteral("origin")).toString();
    r.kind = object.value(QStringLiteral("relationship")).toString();
    r.score = object.value(QStringLiteral("score")).toDouble();
    r.confidence = object.value(QStringLiteral("confidence")).toDouble();
    const QJsonValue validation = object.value(QStringLiteral("validation"));
    if (validation.isObject()) {
        const QJsonObject v = validation.toObject();
        if (v.contains(QStringLiteral("coverage")))
            r.coverage = v.value(QStringLiteral("coverage")).toDouble();
        if (v.contains(QStringLiteral("violations")))
            r.violations = qint64(v.value(QStringLiteral("violations")).toDouble());
    }
    return r;
}

int ConnectionCatalog::tableIndex(const TableRef &ref) const
{
    for (int i = 0; i < tables.size(); ++i) {
        if (tables.at(i).ref == ref)
            return i;
    }
    return -1;
}

ConnectionCatalog ConnectionCatalog::fromFiles(const QString &connectionId, const QString &syncDir,
                                               const QMap<QString, QByteArray> &files)
{
    ConnectionCatalog catalog;
    catalog.connectionId = connectionId;
    catalog.syncDir = syncDir;
    for (auto it = files.cbegin(); it != files.cend(); ++it) {
        if (!it.key().startsWith(QLatin1String("tables/")))
            continue;
        const QJsonDocument doc = QJsonDocument::fromJson(it.value());
        if (doc.isObject())
            catalog.tables << SchemaTable::fromJson(doc.object());
    }
    std::sort(catalog.tables.begin(), catalog.tables.end(),
              [](const SchemaTable &a, const SchemaTable &b) {
                  return a.ref.displayName().compare(b.ref.displayName(), Qt::CaseInsensitive) < 0;
              });
    const QJsonDocument relationships
        = QJsonDocument::fromJson(files.value(QStringLiteral("relationships.json")));
    for (const QJsonValue &value : relationships.array()) {
        if (value.isObject())
            catalog.relationships << CatalogRelationship::fromJson(value.toObject());
    }
    return catalog;
}

Result<ConnectionCatalog> ConnectionCatalog::load(const QString &projectDir,
                                                  const QString &connectionId)
{
    const QString dir = LiveDatabaseEvidence::latestSyncDir(projectDir, connectionId);
    if (dir.isEmpty()) {
        ConnectionCatalog empty;
        empty.connectionId = connectionId;
        return empty;
    }
    const QMap<QString, QByteArray> files = LiveDatabaseEvidence::readSyncDir(dir);
    if (files.isEmpty())
        return makeError(QStringLiteral("evidence_unreadable"),
                         QStringLiteral("The snapshot in %1 could not be read.").arg(dir),
                         QStringLiteral("Run `ktx ingest %1` again.").arg(connectionId));
    return fromFiles(connectionId, dir, files);
}

} // namespace ktx
