#pragma once

#include "core/result.h"

#include <QString>
#include <QStringList>

#include <memory>

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

private:
    explicit GitRepository(git_repository *repo);
    struct Deleter
    {
        void operator()(git_repository *repo) const;
    };
    std::unique_ptr<git_repository, Deleter> m_repo;
};

} // namespace ktx
