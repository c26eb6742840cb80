#include "review/pendingruns.h"

#include "git/gitdiff.h"
#include "git/gitrepository.h"

namespace ktx {

Result<QList<PendingRun>> PendingRuns::list(const QString &projectDir)
{
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
        auto files = GitDiff::between(*repository, record.baseCommit, tip);
        if (!files.ok())
            return files.error();
        run.files = int(files->size());
        for (const FileDiff &f : std::as_const(*files)) {
            run.additions += f.additions();
            run.deletions += f.deletions();
        }
        out << run;
    }
    return out;
}

} // namespace ktx
