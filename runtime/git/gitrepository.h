#pragma once

#include "core/result.h"

#include <QByteArray>
#include <QDateTime>
#include <QMap>
#include <QString>
#include <QStringList>

#include <memory>
#include <optional>

struct git_repository;

namespace ktx {

// A git repository opened through libgit2. Repositories stay valid for the plain
// git command line; nothing here depends on the user's global git config
// (initial branch, identity), so results are the same on every machine.
class GitRepository
{
public:
    struct Signature
    {
        QString name;
        QString email;
        static Signature parse(const QString &text, const Signature &fallback); // "Name <email>"
    };

    GitRepository(GitRepository &&) noexcept;
    GitRepository &operator=(GitRepository &&) noexcept;
    ~GitRepository();

    // Creates a new repository whose work tree is exactly `dir`, with `main` as its
    // first branch, even when `dir` sits inside another repository.
    static Result<GitRepository> init(const QString &dir);
    // Opens the repository whose work tree root is exactly `dir` (no upward search).
    static Result<GitRepository> open(const QString &dir);
    // True when `dir` itself holds a .git (a repository root), not when an ancestor does.
    static bool isRepositoryRoot(const QString &dir);

    QString workDir() const;
    // Stages the given paths (every change in the work tree when empty, honouring
    // .gitignore) and commits them on HEAD. Returns the new commit id, or the
    // current head id when nothing changed.
    Result<QString> commit(const QString &message, const Signature &author,
                           const QStringList &paths = {});
    QString headCommitId() const;

    // --- Reading commits without touching the work tree or the index ---

    // A file's bytes at a commit; nullopt when the commit has no such file.
    Result<std::optional<QByteArray>> fileAt(const QString &commitId, const QString &path) const;
    // Every file path at a commit below `prefix` (a folder, "" for all), sorted.
    Result<QStringList> listFiles(const QString &commitId, const QString &prefix = {}) const;
    QString treeIdOf(const QString &commitId) const;

    // --- Writing commits and branches without touching the work tree or the index ---

    // A path and its new bytes; nullopt deletes the path.
    using FileChanges = QMap<QString, std::optional<QByteArray>>;

    // A new commit object whose tree is `parentId`'s tree with `changes` applied
    // (parentId empty: an empty tree and no parent). No reference moves; the
    // commit is reachable only once a caller points a branch at it.
    Result<QString> createCommit(const QString &parentId, const FileChanges &changes,
                                 const QString &message, const Signature &author);
    // A commit with the given tree of another commit, on a different parent
    // (the squash of a branch onto its base).
    Result<QString> createCommitWithTree(const QString &parentId, const QString &treeId,
                                         const QString &message, const Signature &author);

    // refs/heads/<name> -> commitId (created or moved).
    Result<void> setBranch(const QString &name, const QString &commitId);
    Result<void> deleteBranch(const QString &name);
    // Branch names (without refs/heads/) starting with `prefix`, sorted.
    QStringList branches(const QString &prefix = {}) const;
    QString branchTarget(const QString &name) const; // empty when missing
    // The branch HEAD points at (without refs/heads/); empty when detached.
    QString currentBranch() const;
    // Moves refs/heads/<name> to `newId` only if it still points at `expectedId`
    // (an atomic compare-and-swap on the ref, through git's own lock file).
    Result<void> moveBranch(const QString &name, const QString &newId, const QString &expectedId,
                            const QString &reflogMessage);

    // The changed paths between two commits (added, modified or deleted), sorted.
    Result<QStringList> changedPaths(const QString &fromId, const QString &toId) const;

    // Three-way tree merge of `theirsId` into `oursId` with `baseId` as the
    // ancestor. Returns the merged tree id, or an error "git_merge_conflict"
    // whose message lists the conflicting paths.
    Result<QString> mergeTrees(const QString &baseId, const QString &oursId,
                               const QString &theirsId);

    // --- The work tree and the index ---

    // Brings the given paths of the work tree and the index to the content of
    // `commitId` (files written atomically, deleted files removed). Used by
    // landing after the commit exists; other paths are not touched.
    Result<void> checkoutPaths(const QString &commitId, const QStringList &paths);
    // Paths among `paths` whose work-tree or index state differs from HEAD.
    Result<QStringList> dirtyPaths(const QStringList &paths) const;
    // The paths where the work tree or the index differs from HEAD (untracked,
    // ignored files excluded), like `git status --porcelain --untracked-files=no`.
    Result<QStringList> modifiedPaths() const;

    // Removes the lock files a killed writer of ours leaves behind: the index's
    // and those of the named branches, but only locks last written at or after
    // `since` (the moment that writer began). Older locks belong to someone else
    // and are left alone. Returns the lock files removed.
    QStringList removeLocksLeftSince(const QDateTime &since, const QStringList &branches);
    // Removes the lock file of a branch only its own writer touches (ktx's run
    // branches), left by that writer being killed; the caller holds the lock
    // that says no such writer is alive. True when there was one.
    bool removeBranchLock(const QString &branch);

    struct MergeFileResult
    {
        QByteArray merged; // with conflict markers when conflicted
        bool conflicted = false;
    };
    // The 3-way merge of one file's text (git_merge_file): ancestor, ours, theirs.
    static Result<MergeFileResult> mergeFile(const QByteArray &ancestor, const QByteArray &ours,
                                             const QByteArray &theirs, const QString &path);

private:
    explicit GitRepository(git_repository *repo);
    struct Deleter
    {
        void operator()(git_repository *repo) const;
    };
    std::unique_ptr<git_repository, Deleter> m_repo;
};

} // namespace ktx
