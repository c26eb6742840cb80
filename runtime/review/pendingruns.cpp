#include "review/pendingruns.h"

#include "git/gitdiff.h"
#include "git/gitrepository.h"
#include "review/runreview.h"

namespace ktx {

Result<QList<PendingRun>> PendingRuns::list(const QString &projectDir)
{
    // A run whose apply was killed after landing is not pending: finish it
    // (best effort; busy means the next apply does it under the lock).
    (void)RunReview::recover(projectDir);
    auto repository = GitRepository::open(projectDir);
    if (!repository.ok())
        return repository.error();
    auto store = RunStore::open(projectDir);
    if (!store.ok())
        return store.error();
    QList<PendingRun> out;
    for (const IngestRunRecord &record : (*store)->runs({}, 10000)) {
        if (record.status != QLatin1String("pending_review"))
            continue;
        const QString tip = repository->branchTarget(record.runBranch);
        if (tip.isEmpty())
            continue; // the branch was deleted outside ktx: nothing left to review
        PendingRun run;
        run.record = record;
        // Counts only: a list of runs never builds line lists.
        auto files = GitDiff::statsBetween(*repository, record.baseCommit, tip);
        if (!files.ok())
            return files.error();
        run.files = int(files->size());
        for (const FileDiffStat &f : std::as_const(*files)) {
            run.additions += f.additions;
            run.deletions += f.deletions;
        }
        out << run;
    }
    return out;
}

} // namespace ktx
