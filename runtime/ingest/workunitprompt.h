#pragma once

#include "ingest/contextoverlay.h"
#include "ingest/rejectionmemory.h"
#include "ingest/workunit.h"

#include <QMap>
#include <QString>
#include <QStringList>

namespace ktx {

// The prompts of unit and reconcile agents (ktx-internals §1.5): the system
// prompt is framing + verification-ledger rule + the source's skill + run
// context; the user prompt is the wiki index, the semantic-layer index and the
// unit (raw files, dependencies, peers, prior provenance, notes).
class WorkUnitPrompt
{
public:
    static QString systemPrompt(const QString &skill, const QString &syncId,
                                const QString &sourceKey, const QString &connectionId);
    static QString userPrompt(const WorkUnit &unit, const QString &wikiIndex,
                              const QString &slIndex,
                              const QMap<QString, QStringList> &priorProvenance,
                              const QList<PriorRejection> &rejections = {});
    // "### Previously rejected proposals": each refused change (trimmed) with
    // where and when, so the agent does not propose it again; empty when none.
    static QString rejectionsSection(const QList<PriorRejection> &rejections);
    static QString reconcileSystemPrompt(const QString &syncId, const QString &sourceKey,
                                         const QString &connectionId);
    static QString reconcileUserPrompt(const QString &wikiIndex, const QString &slIndex,
                                       const QList<WorkUnitReport> &units);

    // "## Wiki Pages" + "- key: summary" lines. With a user, that user's pages
    // too, as "- key (user <userId>): summary", in place of a global page of the
    // same key (shadowing); other users' pages never.
    static QString wikiIndex(const BaseTree &tree, const QString &userId = {});
    // "## <connectionId>" + sorted source names (file names as a fallback), "(empty)".
    static QString slIndex(const BaseTree &tree, const QStringList &connections);

    // Changes whenever the prompt text that does not depend on the data changes
    // (framing, skill, run identity): part of the work-unit cache key.
    static QString fingerprint(const QString &skill, const QString &sourceKey,
                               const QString &connectionId, const QString &appVersion);
    // A unit's fingerprint: `fingerprint` itself without rejections (existing
    // cache entries stay valid), otherwise also over the refused changes, so a
    // cached unit runs again once a person rejects part of what it proposed.
    static QString unitFingerprint(const QString &fingerprint,
                                   const QList<PriorRejection> &rejections);
};

} // namespace ktx
