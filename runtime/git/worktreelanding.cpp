#include "git/worktreelanding.h"

#include "core/atomicfile.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>

namespace ktx {

QString WorktreeLanding::journalPath(const QString &projectDir)
{
    return QDir(projectDir).filePath(QStringLiteral(".ktx/landing.json"));
}

Result<FileLock> WorktreeLanding::lockProject(const QString &projectDir)
{
    auto lock = FileLock::tryAcquire(QDir(projectDir).filePath(QStringLiteral(".ktx/ingest.lock")));
    if (!lock.ok() && lock.error().code == QLatin1String("lock_busy"))
        return makeError(QStringLiteral("ingest_busy"),
                         QStringLiteral("Another ingest or review is writing to this project."),
                         QStringLiteral("Wait for it to finish, then run this one again."));
    return lock;
}

Result<void> WorktreeLanding::land(GitRepository &repository, const Plan &plan)
{
    if (plan.branch.isEmpty())
        return makeError(QStringLiteral("detached_head"),
                         QStringLiteral("The project repository has no branch checked out."),
                         QStringLiteral("Check out a branch (git switch main), then run again."));
    auto dirty = repository.dirtyPaths(plan.paths);
    if (!dirty.ok())
        return dirty.error();
    if (!dirty->isEmpty())
        return makeError(QStringLiteral("landing_dirty"),
                         QStringLiteral("Uncommitted changes in files this run writes: %1")
                             .arg(dirty->join(QStringLiteral(", "))),
                         QStringLiteral("Commit or discard those changes, then run again."));
    const QString journal = journalPath(repository.workDir());
    const QJsonObject record {{QStringLiteral("branch"), plan.branch},
                              {QStringLiteral("from"), plan.fromCommit},
                              {QStringLiteral("to"), plan.toCommit},
                              {QStringLiteral("paths"), QJsonArray::fromStringList(plan.paths)}};
    if (Result<void> r = AtomicFile::write(journal, QJsonDocument(record).toJson()); !r.ok())
        return r;
    Result<void> written = repository.checkoutPaths(plan.toCommit, plan.paths);
    if (written.ok())
        written = repository.moveBranch(plan.branch, plan.toCommit, plan.fromCommit,
                                        QStringLiteral("ktx: land"));
    if (!written.ok()) {
        // Put the touched paths back as they were; the branch did not move.
        if (repository.branchTarget(plan.branch) == plan.fromCommit
            && repository.checkoutPaths(plan.fromCommit, plan.paths).ok())
            QFile::remove(journal);
        return written;
    }
    QFile::remove(journal);
    return {};
}

Result<QString> WorktreeLanding::commitAndLand(GitRepository &repository,
                                               const GitRepository::FileChanges &changes,
                                               const QString &message,
                                               const GitRepository::Signature &author)
{
    const QString branch = repository.currentBranch();
    const QString head = repository.headCommitId();
    auto commit = repository.createCommit(head, changes, message, author);
    if (!commit.ok())
        return commit.error();
    if (!head.isEmpty() && repository.treeIdOf(*commit) == repository.treeIdOf(head))
        return head; // nothing changed
    auto paths = repository.changedPaths(head, *commit);
    if (!paths.ok())
        return paths.error();
    if (Result<void> r = land(repository, Plan {branch, head, *commit, *paths}); !r.ok())
        return r.error();
    return *commit;
}

Result<bool> WorktreeLanding::recover(GitRepository &repository)
{
    const QString journal = journalPath(repository.workDir());
    QFile file(journal);
    if (!file.exists())
        return false;
    if (!file.open(QIODevice::ReadOnly))
        return makeError(QStringLiteral("landing_recovery"),
                         QStringLiteral("Cannot read %1").arg(journal));
    const QJsonObject record = QJsonDocument::fromJson(file.readAll()).object();
    file.close();
    const QString branch = record.value(QStringLiteral("branch")).toString();
    const QString from = record.value(QStringLiteral("from")).toString();
    const QString to = record.value(QStringLiteral("to")).toString();
    QStringList paths;
    for (const QJsonValue &p : record.value(QStringLiteral("paths")).toArray())
        paths << p.toString();
    if (branch.isEmpty() || to.isEmpty()) {
        // Killed while the journal itself was written: nothing after it ran.
        QFile::remove(journal);
        return true;
    }
    // A kill inside the landing can leave git's own lock files (the index's,
    // the branch's). Ours are those written after the journal; the ingest lock
    // the caller holds says no other landing of ours is running.
    repository.removeLocksLeftSince(QFileInfo(journal).lastModified(), {branch});
    const QString current = repository.branchTarget(branch);
    if (current == to || current == from) {
        if (Result<void> r = repository.checkoutPaths(to, paths); !r.ok())
            return r.error();
        if (current == from)
            if (Result<void> r
                = repository.moveBranch(branch, to, from, QStringLiteral("ktx: finish landing"));
                !r.ok())
                return r.error();
        QFile::remove(journal);
        return true;
    }
    return makeError(
        QStringLiteral("landing_recovery"),
        QStringLiteral("An interrupted landing left %1, but branch %2 has moved since.")
            .arg(journal, branch),
        QStringLiteral("Check `git status`, restore the listed paths with `git checkout`, then "
                       "delete %1.")
            .arg(journal));
}

} // namespace ktx
