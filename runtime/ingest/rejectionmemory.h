#pragma once

#include "ingest/workunit.h"

#include <QByteArray>
#include <QList>
#include <QString>
#include <QStringList>

namespace ktx {

// A change a person refused in an earlier review, as later runs see it.
struct PriorRejection
{
    QString runId;
    QString path;
    QString entityKey;
    QString textHash; // sha256 of changeText (the review's identity of the change)
    QString summary;
    QByteArray changeText; // "+line"/"-line", possibly trimmed
    QStringList rawPaths; // the evidence the refused change cited
    qint64 atMs = 0;
};

// Reads the rejections runtime/review records (table review_rejections in
// <project>/.ktx/db.sqlite) so a unit's prompt and cache key can carry the
// ones that concern it. Ingest only reads the table; review owns and writes
// it (review links ingest, not the other way round).
class RejectionMemory
{
public:
    // Every recorded rejection, newest first; empty when none was ever recorded.
    static QList<PriorRejection> load(const QString &projectDir);

    // The rejections that concern a unit: they cited one of its raw files (the
    // same file in any snapshot: compared relative to the sync folder) or they
    // refused a change to one of `targets`. At most `limit`, newest first.
    static QList<PriorRejection> forUnit(const QList<PriorRejection> &all, const WorkUnit &unit,
                                         const QString &syncDir, const QStringList &targets,
                                         int limit = 20);

    // `raw` relative to its snapshot folder when it lies in a sibling of
    // `syncDir` (…/<syncId>/tables/x.json → tables/x.json); `raw` otherwise.
    static QString relativeToSnapshot(const QString &raw, const QString &syncDir);
};

} // namespace ktx
