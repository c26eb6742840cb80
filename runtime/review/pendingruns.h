#pragma once

#include "core/result.h"
#include "ingest/runstore.h"

#include <QList>
#include <QString>

namespace ktx {

struct PendingRun
{
    IngestRunRecord record;
    int files = 0;
    int additions = 0;
    int deletions = 0;
};

// The runs waiting for review: status pending_review and a branch that still
// exists, newest first, with diff stats of the branch against the run's base.
class PendingRuns
{
public:
    static Result<QList<PendingRun>> list(const QString &projectDir);
};

} // namespace ktx
