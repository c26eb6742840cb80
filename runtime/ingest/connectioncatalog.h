#pragma once

#include "core/result.h"
#include "db/schemasnapshot.h"

#include <QByteArray>
#include <QJsonArray>
#include <QList>
#include <QMap>
#include <QMetaType>
#include <QString>
#include <QStringList>

#include <optional>

namespace ktx {

// One discovered relationship as relationships.json keeps it, reduced to what a
// viewer shows: the ends, the verdict and the evidence behind it.
struct CatalogRelationship
{
    TableRef fromTable;
    QStringList fromColumns;
    TableRef toTable;
    QStringList toColumns;
    QString status; // accepted | review | rejected
    QString origin; // formal | inferred
    QString kind; // many_to_one | one_to_one
    double score = 0.0;
    double confidence = 0.0;
    std::optional<double> coverage; // from the validation query, when it ran
    std::optional<qint64> violations;

    static CatalogRelationship fromJson(const QJsonObject &object);
};

// The latest raw snapshot of one connection (tables and relationships), read
// back from raw-sources/<connectionId>/live-database/<syncId>/. A value type:
// load it on a worker thread, hand it to the GUI by value.
struct ConnectionCatalog
{
    QString connectionId;
    QString syncDir; // empty: no ingest has run for this connection yet
    QList<SchemaTable> tables; // sorted by display name
    QList<CatalogRelationship> relationships;

    bool hasSnapshot() const { return !syncDir.isEmpty(); }
    int tableIndex(const TableRef &ref) const; // -1 when absent

    // The pure part: builds the catalog from the files of a sync folder.
    static ConnectionCatalog fromFiles(const QString &connectionId, const QString &syncDir,
                                       const QMap<QString, QByteArray> &files);
    // Reads the newest sync folder from disk; no folder is not an error (an
    // empty catalog), unreadable JSON is.
    static Result<ConnectionCatalog> load(const QString &projectDir, const QString &connectionId);
};

} // namespace ktx

Q_DECLARE_METATYPE(ktx::ConnectionCatalog)
