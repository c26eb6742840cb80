#pragma once

#include "core/filelock.h"
#include "core/result.h"
#include "git/gitrepository.h"

#include <QString>
#include <QStringList>

namespace ktx {

// Moves a branch to a commit that already exists and brings the touched paths of
// the work tree and the index along, so that a kill at any moment leaves either
// the old state, the new state, or a journal that the next start finishes.
//
// Order: journal (.ktx/landing.json) → files (each written atomically) → index
// → branch ref (compare-and-swap) → journal removed. Nothing is written before
// the commit exists, and the commit is built from git objects, never from the
// work tree, so a person's uncommitted edits elsewhere are never picked up.
class WorktreeLanding
{
public:
    struct Plan
    {
        QString branch; // without refs/heads/
        QString fromCommit; // where the branch must still point
        QString toCommit;
        QStringList paths; // the paths that differ between the two
    };

    static QString journalPath(const QString &projectDir); // <project>/.ktx/landing.json

    // Refuses (error "landing_dirty") when any touched path has uncommitted
    // changes in the work tree or the index: landing would overwrite them.
    static Result<void> land(GitRepository &repository, const Plan &plan);

    // Commits `changes` on top of the current branch's head and lands them.
    // Returns the new commit id (the current head when nothing changed).
    static Result<QString> commitAndLand(GitRepository &repository,
                                         const GitRepository::FileChanges &changes,
                                         const QString &message,
                                         const GitRepository::Signature &author);

    // Finishes a landing a crash interrupted (roll forward: the commit exists).
    // Returns true when there was one.
    static Result<bool> recover(GitRepository &repository);

    // One writer of a project's files and branches at a time (ingests, review
    // landings): .ktx/ingest.lock, released when the returned lock dies or its
    // holder is killed.
    static Result<FileLock> lockProject(const QString &projectDir);
};

} // namespace ktx
