#pragma once

#include "core/result.h"
#include "ingest/contextoverlay.h"
#include "ingest/workunit.h"

#include <QJsonObject>
#include <QMap>
#include <QString>
#include <QStringList>

#include <optional>

namespace ktx {

// The diff of a sync against the last landed run (paths inside the sync folder).
struct IngestDiff
{
    QStringList added, modified, deleted, unchanged;
    QJsonObject hashes; // rel path -> sha256 hex of the current sync
};

// Files an adapter derives deterministically, before any unit runs (the
// original's `project`): repository path -> bytes, or nullopt to delete it.
struct IngestProjection
{
    QMap<QString, std::optional<QByteArray>> files;
    // Per written semantic-layer or wiki path, the raw files (repository
    // paths) it came from: the provenance of its review hunks and rows.
    QMap<QString, QStringList> evidence;
};

// What a source type contributes to the enriched pipeline: where its staged
// evidence is, how it hashes, how it is cut into work units, and the skill text
// of its agents. Issue G adds dbt, MetricFlow, LookML and text memory as more
// adapters; keep this small.
class IngestSourceAdapter
{
public:
    virtual ~IngestSourceAdapter() = default;
    virtual QString sourceKey() const = 0;
    // The newest sync folder (repository path, e.g. raw-sources/<conn>/<key>/<syncId>)
    // in the base tree, or an error when the source was never staged.
    virtual Result<QString> latestSync(const BaseTree &base, const QString &connectionId) const = 0;
    // Hashes of every file of the sync folder, keyed by path inside it (the
    // default: SHA-256 of each file's bytes).
    virtual QJsonObject hashes(const BaseTree &base, const QString &syncDir) const;
    // Work units for the changed files (every file when `diff` says a shared input changed).
    virtual QList<WorkUnit> plan(const BaseTree &base, const QString &syncDir,
                                 const IngestDiff &diff) const = 0;
    // Guidance for the unit agents of this source (the original's skills).
    virtual QString skillPrompt() const = 0;
    // Evidence the adapter captured itself (repository path -> bytes) instead of
    // a sync an earlier commit staged, e.g. a text note: the run adds it to its
    // base tree so units can read it, and lands it in the run's commit.
    virtual QMap<QString, QByteArray> capturedFiles() const { return {}; }
    // The wiki user whose scope the agents work in (text memory: the capturing
    // user sees and may write wiki/user/<userId>/); empty: global pages only.
    virtual QString userId() const { return {}; }
    // The deterministic part of the source, computed from the committed base
    // before staging is read: e.g. a context source's new evidence sync, the
    // removal of its previous sync, and the parser's extraction. The run
    // applies it first; latestSync, hashes, plan and the units see the tree it
    // produces, and it lands with the run. Same base and same source: same
    // result. Called once per run, on the run's thread.
    virtual Result<IngestProjection> projection(const BaseTree &base)
    {
        Q_UNUSED(base);
        return IngestProjection {};
    }
    // The connections whose semantic layer units may write (e.g. the warehouse
    // a dbt project builds); empty: the run's own connection.
    virtual QStringList targetConnections() const { return {}; }
    // The source's own report (what was read, what it produced), stored in the
    // run report under `contextSource` once projection ran; empty: none.
    virtual QJsonObject sourceReport() const { return {}; }
};

// live-database (ktx-internals §1.3): one unit per table file; connection.json
// and foreign-keys.json are dependencies, and when either changes every table
// gets a unit.
class LiveDatabaseAdapter : public IngestSourceAdapter
{
public:
    QString sourceKey() const override { return QStringLiteral("live-database"); }
    Result<QString> latestSync(const BaseTree &base, const QString &connectionId) const override;
    QJsonObject hashes(const BaseTree &base, const QString &syncDir) const override;
    QList<WorkUnit> plan(const BaseTree &base, const QString &syncDir,
                         const IngestDiff &diff) const override;
    QString skillPrompt() const override;

    static IngestDiff diff(const QJsonObject &current, const QJsonObject &prior);
    static QString unitKeyFor(const QString &tableFileRel, const QByteArray &tableJson);
};

} // namespace ktx
