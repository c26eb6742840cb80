#include "git/gitrepository.h"

#include <QDir>
#include <QFileInfo>
#include <QRegularExpression>

#include <git2.h>

#include <vector>

namespace ktx {

namespace {

// libgit2 keeps global state; initialise it once per process and keep it. The
// user's global config is kept out of our repositories' behaviour on purpose.
void ensureLibrary()
{
    static const bool initialised = [] {
        git_libgit2_init();
        // Projects may be owned by another uid (root in CI working on a user's checkout).
        git_libgit2_opts(GIT_OPT_SET_OWNER_VALIDATION, 0);
        return true;
    }();
    Q_UNUSED(initialised);
}

Error gitError(const QString &what)
{
    const git_error *e = git_error_last();
    const QString detail
        = e && e->message ? QString::fromUtf8(e->message) : QStringLiteral("unknown error");
    return makeError(QStringLiteral("git_failed"), QStringLiteral("%1: %2").arg(what, detail));
}

template<typename T, void (*Free)(T *)> struct GitPtr
{
    T *p = nullptr;
    ~GitPtr()
    {
        if (p)
            Free(p);
    }
    T **out() { return &p; }
};

} // namespace

void GitRepository::Deleter::operator()(git_repository *repo) const
{
    git_repository_free(repo);
}

GitRepository::GitRepository(git_repository *repo)
    : m_repo(repo)
{ }
GitRepository::GitRepository(GitRepository &&) noexcept = default;
GitRepository &GitRepository::operator=(GitRepository &&) noexcept = default;
GitRepository::~GitRepository() = default;

GitRepository::Signature GitRepository::Signature::parse(const QString &text,
                                                         const Signature &fallback)
{
    static const QRegularExpression pattern(QStringLiteral("^\\s*(.*?)\\s*<([^>]+)>\\s*$"));
    const auto match = pattern.match(text);
    if (!match.hasMatch() || match.captured(1).isEmpty())
        return fallback;
    return {match.captured(1), match.captured(2)};
}

bool GitRepository::isRepositoryRoot(const QString &dir)
{
    return QFileInfo::exists(QDir(dir).filePath(QStringLiteral(".git")));
}

Result<GitRepository> GitRepository::init(const QString &dir)
{
    ensureLibrary();
    git_repository_init_options options = GIT_REPOSITORY_INIT_OPTIONS_INIT;
    // NO_REINIT: never adopt an existing repository; MKPATH: create the folder.
    options.flags = GIT_REPOSITORY_INIT_MKPATH | GIT_REPOSITORY_INIT_NO_REINIT;
    options.initial_head = "main";
    git_repository *repo = nullptr;
    const QByteArray path = QFile::encodeName(QDir(dir).absolutePath());
    if (git_repository_init_ext(&repo, path.constData(), &options) != 0)
        return gitError(QStringLiteral("Cannot create a git repository in %1").arg(dir));
    return GitRepository(repo);
}

Result<GitRepository> GitRepository::open(const QString &dir)
{
    ensureLibrary();
    git_repository *repo = nullptr;
    const QByteArray path = QFile::encodeName(QDir(dir).absolutePath());
    if (git_repository_open_ext(&repo, path.constData(), GIT_REPOSITORY_OPEN_NO_SEARCH, nullptr)
        != 0)
        return gitError(QStringLiteral("Cannot open the git repository in %1").arg(dir));
    return GitRepository(repo);
}

QString GitRepository::workDir() const
{
    const char *wd = git_repository_workdir(m_repo.get());
    return wd ? QDir::cleanPath(QFile::decodeName(wd)) : QString();
}

QString GitRepository::headCommitId() const
{
    git_oid oid;
    if (git_reference_name_to_id(&oid, m_repo.get(), "HEAD") != 0)
        return {};
    char buffer[GIT_OID_HEXSZ + 1];
    git_oid_tostr(buffer, sizeof buffer, &oid);
    return QString::fromLatin1(buffer);
}

Result<QString> GitRepository::commit(const QString &message, const Signature &author,
                                      const QStringList &paths)
{
    git_repository *repo = m_repo.get();
    GitPtr<git_index, git_index_free> index;
    if (git_repository_index(index.out(), repo) != 0)
        return gitError(QStringLiteral("Cannot read the git index"));
    QList<QByteArray> encoded;
    for (const QString &path : paths.isEmpty() ? QStringList {QStringLiteral(".")} : paths)
        encoded << path.toUtf8();
    std::vector<char *> patterns;
    for (QByteArray &e : encoded)
        patterns.push_back(e.data());
    const git_strarray pathspec = {patterns.data(), patterns.size()};
    if (git_index_add_all(index.p, &pathspec, GIT_INDEX_ADD_DEFAULT, nullptr, nullptr) != 0
        || git_index_update_all(index.p, &pathspec, nullptr, nullptr) != 0)
        return gitError(QStringLiteral("Cannot stage the project files"));
    if (git_index_write(index.p) != 0)
        return gitError(QStringLiteral("Cannot write the git index"));

    git_oid treeId;
    if (git_index_write_tree(&treeId, index.p) != 0)
        return gitError(QStringLiteral("Cannot write the git tree"));
    GitPtr<git_tree, git_tree_free> tree;
    if (git_tree_lookup(tree.out(), repo, &treeId) != 0)
        return gitError(QStringLiteral("Cannot read the git tree"));

    GitPtr<git_commit, git_commit_free> parent;
    git_oid headId;
    const bool hasHead = git_reference_name_to_id(&headId, repo, "HEAD") == 0;
    if (hasHead) {
        if (git_commit_lookup(parent.out(), repo, &headId) != 0)
            return gitError(QStringLiteral("Cannot read the current commit"));
        if (git_oid_equal(git_commit_tree_id(parent.p), &treeId))
            return headCommitId(); // nothing to commit
    }

    GitPtr<git_signature, git_signature_free> signature;
    const QByteArray name = author.name.toUtf8();
    const QByteArray email = author.email.toUtf8();
    if (git_signature_now(signature.out(), name.constData(), email.constData()) != 0)
        return gitError(QStringLiteral("Invalid commit author"));

    git_oid commitId;
    const git_commit *parents[] = {parent.p};
    const QByteArray text = message.toUtf8();
    if (git_commit_create(&commitId, repo, "HEAD", signature.p, signature.p, nullptr,
                          text.constData(), tree.p, hasHead ? 1 : 0, parents)
        != 0)
        return gitError(QStringLiteral("Cannot create the commit"));
    char buffer[GIT_OID_HEXSZ + 1];
    git_oid_tostr(buffer, sizeof buffer, &commitId);
    return QString::fromLatin1(buffer);
}

} // namespace ktx
