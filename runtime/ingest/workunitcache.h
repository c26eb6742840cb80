#pragma once

#include "ingest/contextoverlay.h"
#include "ingest/workunit.h"

#include <QByteArray>
#include <QString>

#include <optional>

namespace ktx {

// The work-unit cache (ktx-internals §1.6): a unit whose inputs are byte-for-
// byte what they were — its raw and dependency files, the prompt fingerprint,
// the model role and the app version — replays its stored file images instead
// of calling a model. Storage is the run store's ingest_work_unit_cache table.
class WorkUnitCache
{
public:
    static constexpr int SchemaVersion = 1;

    // Raw paths are hashed relative to the sync folder, so an unchanged table
    // in a newer snapshot still hits.
    static QString key(const WorkUnit &unit, const BaseTree &base, const QString &syncDir,
                       const QString &connectionId, const QString &sourceKey,
                       const QString &promptFingerprint, const QString &role,
                       const QString &appVersion);

    static QByteArray encode(const WorkUnitOutcome &outcome);
    static std::optional<WorkUnitOutcome> decode(const QByteArray &payload);

    // Safe to replay when every cached file is now exactly its cached "before"
    // or "after"; anything else is drift and the unit runs fresh.
    static bool replayable(const WorkUnitOutcome &outcome, const BaseTree &base);
};

} // namespace ktx
