#pragma once

#include "core/result.h"
#include "db/schemasnapshot.h"

#include <QByteArray>
#include <QJsonArray>
#include <QMap>
#include <QString>

namespace ktx {

// The raw evidence of one database scan, laid out as the original writes it
// under raw-sources/<connectionId>/live-database/<syncId>/:
//   connection.json    connectionId, driver, extractedAt, scope, metadata, tableCount
//   foreign-keys.json  every declared foreign key, sorted, with fromTablePath
//   warnings.json      what the scan could not see (missing permissions, ...)
//   tables/<b64url(catalog|_)>.<b64url(db|_)>.<b64url(name)>.json   one per table
// plus relationships.json (ours): the relationships discovery found, with scores.
class LiveDatabaseEvidence
{
public:
    static QString sourceKey() { return QStringLiteral("live-database"); }

    // Relative path (inside the sync folder) -> bytes. Deterministic for a given
    // snapshot: keys sorted, tables sorted, stable JSON.
    static QMap<QString, QByteArray> files(const SchemaSnapshot &snapshot,
                                           const QJsonArray &relationships);

    // SHA-256 over every file, with connection.json's extractedAt left out, so an
    // unchanged schema hashes the same on every scan.
    static QByteArray contentHash(const QMap<QString, QByteArray> &files);

    static QString tableFileName(const TableRef &ref);

    // The newest sync folder of a connection (by name, which starts with the time),
    // or an empty string.
    static QString latestSyncDir(const QString &projectDir, const QString &connectionId);
    // Column profiles of the last scan (sampled values included) are local
    // state, never committed: .ktx/profiles/<connectionId>.json, {profiledAt,
    // tables: [TableProfile JSON]}. The search index reads them for
    // dictionary_search.
    static QString profilesPath(const QString &projectDir, const QString &connectionId);

    // Reads a sync folder back into the same map files() returns.
    static QMap<QString, QByteArray> readSyncDir(const QString &dir);
};

} // namespace ktx
