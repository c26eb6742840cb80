#include "git/gitrepository.h"

#include "core/atomicfile.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QRegularExpression>

#include <git2.h>

#include <cstdio>
#include <fcntl.h>
#include <unistd.h>

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

QString oidText(const git_oid *oid)
{
    char buffer[GIT_OID_HEXSZ + 1];
    git_oid_tostr(buffer, sizeof buffer, oid);
    return QString::fromLatin1(buffer);
}

bool parseOid(git_oid *out, const QString &id)
{
    const QByteArray hex = id.toLatin1();
    return hex.size() == GIT_OID_HEXSZ && git_oid_fromstr(out, hex.constData()) == 0;
}

Error badId(const QString &id)
{
    return makeError(QStringLiteral("git_failed"),
                     QStringLiteral("Not a commit id: \"%1\"").arg(id));
}

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

QStringList GitRepository::removeLocksLeftSince(const QDateTime &since, const QStringList &branches)
{
    const QDir gitDir(QFile::decodeName(git_repository_path(m_repo.get())));
    QStringList candidates {gitDir.filePath(QStringLiteral("index.lock"))};
    for (const QString &branch : branches)
        candidates << gitDir.filePath(QStringLiteral("refs/heads/%1.lock").arg(branch));
    // Modification times are kept to the second on some file systems.
    const QDateTime notBefore = since.addSecs(-1);
    QStringList removed;
    for (const QString &lock : std::as_const(candidates)) {
        const QFileInfo info(lock);
        if (info.exists() && info.lastModified() >= notBefore && QFile::remove(lock))
            removed << lock;
    }
    return removed;
}

bool GitRepository::removeBranchLock(const QString &branch)
{
    const QDir gitDir(QFile::decodeName(git_repository_path(m_repo.get())));
    const QString lock = gitDir.filePath(QStringLiteral("refs/heads/%1.lock").arg(branch));
    return QFileInfo::exists(lock) && QFile::remove(lock);
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

QString GitRepository::treeIdOf(const QString &commitId) const
{
    git_oid oid;
    if (!parseOid(&oid, commitId))
        return {};
    GitPtr<git_commit, git_commit_free> commit;
    if (git_commit_lookup(commit.out(), m_repo.get(), &oid) != 0)
        return {};
    return oidText(git_commit_tree_id(commit.p));
}

Result<std::optional<QByteArray>> GitRepository::fileAt(const QString &commitId,
                                                        const QString &path) const
{
    git_oid oid;
    if (!parseOid(&oid, commitId))
        return badId(commitId);
    GitPtr<git_commit, git_commit_free> commit;
    if (git_commit_lookup(commit.out(), m_repo.get(), &oid) != 0)
        return gitError(QStringLiteral("Cannot read commit %1").arg(commitId));
    GitPtr<git_tree, git_tree_free> tree;
    if (git_commit_tree(tree.out(), commit.p) != 0)
        return gitError(QStringLiteral("Cannot read the tree of %1").arg(commitId));
    GitPtr<git_tree_entry, git_tree_entry_free> entry;
    const QByteArray encoded = path.toUtf8();
    if (git_tree_entry_bypath(entry.out(), tree.p, encoded.constData()) != 0)
        return std::optional<QByteArray>();
    if (git_tree_entry_type(entry.p) != GIT_OBJECT_BLOB)
        return std::optional<QByteArray>();
    GitPtr<git_blob, git_blob_free> blob;
    if (git_blob_lookup(blob.out(), m_repo.get(), git_tree_entry_id(entry.p)) != 0)
        return gitError(QStringLiteral("Cannot read %1 at %2").arg(path, commitId));
    return std::optional<QByteArray>(
        QByteArray(static_cast<const char *>(git_blob_rawcontent(blob.p)),
                   qsizetype(git_blob_rawsize(blob.p))));
}

Result<QStringList> GitRepository::listFiles(const QString &commitId, const QString &prefix) const
{
    git_oid oid;
    if (!parseOid(&oid, commitId))
        return badId(commitId);
    GitPtr<git_commit, git_commit_free> commit;
    if (git_commit_lookup(commit.out(), m_repo.get(), &oid) != 0)
        return gitError(QStringLiteral("Cannot read commit %1").arg(commitId));
    GitPtr<git_tree, git_tree_free> root;
    if (git_commit_tree(root.out(), commit.p) != 0)
        return gitError(QStringLiteral("Cannot read the tree of %1").arg(commitId));
    QString folder = prefix;
    while (folder.endsWith(QLatin1Char('/')))
        folder.chop(1);
    GitPtr<git_tree, git_tree_free> sub;
    git_tree *start = root.p;
    if (!folder.isEmpty()) {
        GitPtr<git_tree_entry, git_tree_entry_free> entry;
        const QByteArray encoded = folder.toUtf8();
        if (git_tree_entry_bypath(entry.out(), root.p, encoded.constData()) != 0
            || git_tree_entry_type(entry.p) != GIT_OBJECT_TREE)
            return QStringList();
        if (git_tree_lookup(sub.out(), m_repo.get(), git_tree_entry_id(entry.p)) != 0)
            return gitError(QStringLiteral("Cannot read folder %1").arg(folder));
        start = sub.p;
    }
    struct Walk
    {
        QStringList files;
        QString prefix;
    } walk {{}, folder.isEmpty() ? QString() : folder + QLatin1Char('/')};
    const auto callback = [](const char *root, const git_tree_entry *entry, void *payload) -> int {
        if (git_tree_entry_type(entry) == GIT_OBJECT_BLOB) {
            auto *w = static_cast<Walk *>(payload);
            w->files << w->prefix + QString::fromUtf8(root)
                    + QString::fromUtf8(git_tree_entry_name(entry));
        }
        return 0;
    };
    if (git_tree_walk(start, GIT_TREEWALK_PRE, callback, &walk) != 0)
        return gitError(QStringLiteral("Cannot list the files of %1").arg(commitId));
    walk.files.sort();
    return walk.files;
}

Result<QString> GitRepository::createCommit(const QString &parentId, const FileChanges &changes,
                                            const QString &message, const Signature &author)
{
    git_repository *repo = m_repo.get();
    GitPtr<git_index, git_index_free> index;
    if (git_index_new(index.out()) != 0)
        return gitError(QStringLiteral("Cannot create an in-memory index"));
    GitPtr<git_commit, git_commit_free> parent;
    if (!parentId.isEmpty()) {
        git_oid oid;
        if (!parseOid(&oid, parentId))
            return badId(parentId);
        if (git_commit_lookup(parent.out(), repo, &oid) != 0)
            return gitError(QStringLiteral("Cannot read commit %1").arg(parentId));
        GitPtr<git_tree, git_tree_free> tree;
        if (git_commit_tree(tree.out(), parent.p) != 0 || git_index_read_tree(index.p, tree.p) != 0)
            return gitError(QStringLiteral("Cannot read the tree of %1").arg(parentId));
    }
    for (auto it = changes.cbegin(); it != changes.cend(); ++it) {
        const QByteArray path = it.key().toUtf8();
        if (!it.value()) {
            git_index_remove_bypath(index.p, path.constData());
            continue;
        }
        // An in-memory index has no repository behind it: write the blob first.
        git_index_entry entry;
        memset(&entry, 0, sizeof entry);
        entry.mode = GIT_FILEMODE_BLOB;
        entry.path = path.constData();
        entry.file_size = uint32_t(it.value()->size());
        if (git_blob_create_from_buffer(&entry.id, repo, it.value()->constData(),
                                        size_t(it.value()->size()))
                != 0
            || git_index_add(index.p, &entry) != 0)
            return gitError(QStringLiteral("Cannot stage %1").arg(it.key()));
    }
    git_oid treeId;
    if (git_index_write_tree_to(&treeId, index.p, repo) != 0)
        return gitError(QStringLiteral("Cannot write the git tree"));
    return createCommitWithTree(parentId, oidText(&treeId), message, author);
}

Result<QString> GitRepository::createCommitWithTree(const QString &parentId, const QString &treeId,
                                                    const QString &message, const Signature &author)
{
    git_repository *repo = m_repo.get();
    git_oid treeOid;
    if (!parseOid(&treeOid, treeId))
        return badId(treeId);
    GitPtr<git_tree, git_tree_free> tree;
    if (git_tree_lookup(tree.out(), repo, &treeOid) != 0)
        return gitError(QStringLiteral("Cannot read tree %1").arg(treeId));
    GitPtr<git_commit, git_commit_free> parent;
    if (!parentId.isEmpty()) {
        git_oid oid;
        if (!parseOid(&oid, parentId))
            return badId(parentId);
        if (git_commit_lookup(parent.out(), repo, &oid) != 0)
            return gitError(QStringLiteral("Cannot read commit %1").arg(parentId));
    }
    GitPtr<git_signature, git_signature_free> signature;
    const QByteArray name = author.name.toUtf8();
    const QByteArray email = author.email.toUtf8();
    if (git_signature_now(signature.out(), name.constData(), email.constData()) != 0)
        return gitError(QStringLiteral("Invalid commit author"));
    git_oid commitId;
    const git_commit *parents[] = {parent.p};
    const QByteArray text = message.toUtf8();
    if (git_commit_create(&commitId, repo, nullptr, signature.p, signature.p, nullptr,
                          text.constData(), tree.p, parent.p ? 1 : 0, parents)
        != 0)
        return gitError(QStringLiteral("Cannot create the commit"));
    return oidText(&commitId);
}

Result<void> GitRepository::setBranch(const QString &name, const QString &commitId)
{
    git_oid oid;
    if (!parseOid(&oid, commitId))
        return badId(commitId);
    GitPtr<git_reference, git_reference_free> ref;
    const QByteArray refName = (QStringLiteral("refs/heads/") + name).toUtf8();
    if (git_reference_create(ref.out(), m_repo.get(), refName.constData(), &oid, 1,
                             "ktx: run branch")
        != 0)
        return gitError(QStringLiteral("Cannot set branch %1").arg(name));
    return {};
}

Result<void> GitRepository::deleteBranch(const QString &name)
{
    GitPtr<git_reference, git_reference_free> ref;
    const QByteArray refName = (QStringLiteral("refs/heads/") + name).toUtf8();
    if (git_reference_lookup(ref.out(), m_repo.get(), refName.constData()) != 0)
        return {};
    if (git_reference_delete(ref.p) != 0)
        return gitError(QStringLiteral("Cannot delete branch %1").arg(name));
    return {};
}

QStringList GitRepository::branches(const QString &prefix) const
{
    QStringList names;
    git_reference_iterator *iterator = nullptr;
    const QByteArray glob = (QStringLiteral("refs/heads/") + prefix + QLatin1Char('*')).toUtf8();
    if (git_reference_iterator_glob_new(&iterator, m_repo.get(), glob.constData()) != 0)
        return names;
    const char *name = nullptr;
    while (git_reference_next_name(&name, iterator) == 0)
        names << QString::fromUtf8(name).mid(int(strlen("refs/heads/")));
    git_reference_iterator_free(iterator);
    names.sort();
    return names;
}

QString GitRepository::branchTarget(const QString &name) const
{
    git_oid oid;
    const QByteArray refName = (QStringLiteral("refs/heads/") + name).toUtf8();
    if (git_reference_name_to_id(&oid, m_repo.get(), refName.constData()) != 0)
        return {};
    return oidText(&oid);
}

QString GitRepository::currentBranch() const
{
    GitPtr<git_reference, git_reference_free> head;
    if (git_reference_lookup(head.out(), m_repo.get(), "HEAD") != 0)
        return {};
    if (git_reference_type(head.p) != GIT_REFERENCE_SYMBOLIC)
        return {};
    const QString target = QString::fromUtf8(git_reference_symbolic_target(head.p));
    return target.startsWith(QLatin1String("refs/heads/")) ? target.mid(11) : QString();
}

Result<void> GitRepository::moveBranch(const QString &name, const QString &newId,
                                       const QString &expectedId, const QString &reflogMessage)
{
    git_oid newOid;
    git_oid oldOid;
    if (!parseOid(&newOid, newId))
        return badId(newId);
    const QByteArray refName = (QStringLiteral("refs/heads/") + name).toUtf8();
    const QByteArray log = reflogMessage.toUtf8();
    GitPtr<git_reference, git_reference_free> ref;
    int rc = 0;
    if (expectedId.isEmpty()) {
        rc = git_reference_create(ref.out(), m_repo.get(), refName.constData(), &newOid, 0,
                                  log.constData());
    } else {
        if (!parseOid(&oldOid, expectedId))
            return badId(expectedId);
        rc = git_reference_create_matching(ref.out(), m_repo.get(), refName.constData(), &newOid, 1,
                                           &oldOid, log.constData());
    }
    if (rc != 0)
        return gitError(QStringLiteral("Cannot move branch %1").arg(name));
    return {};
}

Result<QStringList> GitRepository::changedPaths(const QString &fromId, const QString &toId) const
{
    git_repository *repo = m_repo.get();
    GitPtr<git_tree, git_tree_free> from;
    GitPtr<git_tree, git_tree_free> to;
    for (auto [id, tree] : {std::pair {fromId, &from}, std::pair {toId, &to}}) {
        if (id.isEmpty())
            continue;
        git_oid oid;
        if (!parseOid(&oid, id))
            return badId(id);
        GitPtr<git_commit, git_commit_free> commit;
        if (git_commit_lookup(commit.out(), repo, &oid) != 0
            || git_commit_tree(tree->out(), commit.p) != 0)
            return gitError(QStringLiteral("Cannot read commit %1").arg(id));
    }
    GitPtr<git_diff, git_diff_free> diff;
    git_diff_options options = GIT_DIFF_OPTIONS_INIT;
    if (git_diff_tree_to_tree(diff.out(), repo, from.p, to.p, &options) != 0)
        return gitError(QStringLiteral("Cannot compare %1 and %2").arg(fromId, toId));
    QStringList paths;
    for (size_t i = 0; i < git_diff_num_deltas(diff.p); ++i) {
        const git_diff_delta *delta = git_diff_get_delta(diff.p, i);
        paths << QString::fromUtf8(delta->new_file.path ? delta->new_file.path
                                                        : delta->old_file.path);
    }
    paths.sort();
    return paths;
}

Result<QString> GitRepository::mergeTrees(const QString &baseId, const QString &oursId,
                                          const QString &theirsId)
{
    git_repository *repo = m_repo.get();
    GitPtr<git_tree, git_tree_free> trees[3];
    const QString ids[3] = {baseId, oursId, theirsId};
    for (int i = 0; i < 3; ++i) {
        git_oid oid;
        if (!parseOid(&oid, ids[i]))
            return badId(ids[i]);
        GitPtr<git_commit, git_commit_free> commit;
        if (git_commit_lookup(commit.out(), repo, &oid) != 0
            || git_commit_tree(trees[i].out(), commit.p) != 0)
            return gitError(QStringLiteral("Cannot read commit %1").arg(ids[i]));
    }
    GitPtr<git_index, git_index_free> merged;
    git_merge_options options = GIT_MERGE_OPTIONS_INIT;
    if (git_merge_trees(merged.out(), repo, trees[0].p, trees[1].p, trees[2].p, &options) != 0)
        return gitError(QStringLiteral("Cannot merge the run into the current branch"));
    if (git_index_has_conflicts(merged.p)) {
        QStringList conflicts;
        git_index_conflict_iterator *iterator = nullptr;
        if (git_index_conflict_iterator_new(&iterator, merged.p) == 0) {
            const git_index_entry *ancestor = nullptr;
            const git_index_entry *ours = nullptr;
            const git_index_entry *theirs = nullptr;
            while (git_index_conflict_next(&ancestor, &ours, &theirs, iterator) == 0) {
                const git_index_entry *any = ours ? ours : theirs ? theirs : ancestor;
                if (any)
                    conflicts << QString::fromUtf8(any->path);
            }
            git_index_conflict_iterator_free(iterator);
        }
        return makeError(QStringLiteral("git_merge_conflict"),
                         QStringLiteral("The run conflicts with commits made since it started: %1")
                             .arg(conflicts.join(QStringLiteral(", "))));
    }
    git_oid treeId;
    if (git_index_write_tree_to(&treeId, merged.p, repo) != 0)
        return gitError(QStringLiteral("Cannot write the merged tree"));
    return oidText(&treeId);
}

Result<void> GitRepository::checkoutPaths(const QString &commitId, const QStringList &paths)
{
    git_repository *repo = m_repo.get();
    const QDir root(workDir());
    GitPtr<git_index, git_index_free> index;
    if (git_repository_index(index.out(), repo) != 0)
        return gitError(QStringLiteral("Cannot read the git index"));
    if (git_index_read(index.p, 1) != 0)
        return gitError(QStringLiteral("Cannot read the git index"));
    // Files first (each atomic), the index last: the index is what says the
    // work tree matches HEAD, so it must not claim that before the bytes are there.
    for (const QString &path : paths) {
        auto content = fileAt(commitId, path);
        if (!content.ok())
            return content.error();
        const QString file = root.filePath(path);
        if (*content) {
            // Temp file + rename per file (never a torn file); one sync for all
            // of them below instead of an fsync each.
            QDir().mkpath(QFileInfo(file).absolutePath());
            const QString temp = file + QStringLiteral(".ktx-landing");
            QFile out(temp);
            if (!out.open(QIODevice::WriteOnly | QIODevice::Truncate)
                || out.write(**content) != (*content)->size() || !out.flush()) {
                out.remove();
                return makeError(
                    QStringLiteral("write_failed"),
                    QStringLiteral("Cannot write %1: %2").arg(path, out.errorString()));
            }
            out.close();
            if (::rename(QFile::encodeName(temp).constData(), QFile::encodeName(file).constData())
                != 0) {
                QFile::remove(temp);
                return makeError(QStringLiteral("write_failed"),
                                 QStringLiteral("Cannot replace %1").arg(path));
            }
        } else if (QFileInfo::exists(file) && !QFile::remove(file)) {
            return makeError(QStringLiteral("write_failed"),
                             QStringLiteral("Cannot remove %1").arg(path));
        } else {
            // Leave no empty folders behind, as git does.
            QDir dir = QFileInfo(file).dir();
            while (dir.absolutePath() != root.absolutePath() && dir.isEmpty()
                   && dir.rmdir(dir.absolutePath()))
                dir.cdUp();
        }
    }
    // The bytes are on disk before the index says they match HEAD: one sync of
    // the project's file system instead of an fsync per file.
    if (const int fd = ::open(QFile::encodeName(root.absolutePath()).constData(), O_RDONLY);
        fd >= 0) {
        ::syncfs(fd);
        ::close(fd);
    }
    for (const QString &path : paths) {
        const QByteArray encoded = path.toUtf8();
        if (QFileInfo::exists(root.filePath(path))) {
            if (git_index_add_bypath(index.p, encoded.constData()) != 0)
                return gitError(QStringLiteral("Cannot stage %1").arg(path));
        } else {
            git_index_remove_bypath(index.p, encoded.constData());
        }
    }
    if (git_index_write(index.p) != 0)
        return gitError(QStringLiteral("Cannot write the git index"));
    return {};
}

Result<QStringList> GitRepository::modifiedPaths() const
{
    git_status_options options = GIT_STATUS_OPTIONS_INIT;
    options.show = GIT_STATUS_SHOW_INDEX_AND_WORKDIR;
    options.flags = GIT_STATUS_OPT_EXCLUDE_SUBMODULES;
    GitPtr<git_status_list, git_status_list_free> list;
    if (git_status_list_new(list.out(), m_repo.get(), &options) != 0)
        return gitError(QStringLiteral("Cannot read the status of the work tree"));
    QStringList paths;
    for (size_t i = 0; i < git_status_list_entrycount(list.p); ++i) {
        const git_status_entry *e = git_status_byindex(list.p, i);
        const git_diff_delta *d = e->head_to_index ? e->head_to_index : e->index_to_workdir;
        if (d)
            paths << QString::fromUtf8(d->new_file.path ? d->new_file.path : d->old_file.path);
    }
    paths.sort();
    paths.removeDuplicates();
    return paths;
}

Result<QStringList> GitRepository::dirtyPaths(const QStringList &paths) const
{
    if (paths.isEmpty())
        return QStringList();
    // One status walk limited to the paths (exact match), not one per path:
    // landings touch thousands of files.
    QList<QByteArray> encoded;
    for (const QString &path : paths)
        encoded << path.toUtf8();
    std::vector<char *> specs;
    for (QByteArray &e : encoded)
        specs.push_back(e.data());
    git_status_options options = GIT_STATUS_OPTIONS_INIT;
    options.show = GIT_STATUS_SHOW_INDEX_AND_WORKDIR;
    options.flags = GIT_STATUS_OPT_INCLUDE_UNTRACKED | GIT_STATUS_OPT_RECURSE_UNTRACKED_DIRS
        | GIT_STATUS_OPT_DISABLE_PATHSPEC_MATCH | GIT_STATUS_OPT_EXCLUDE_SUBMODULES;
    options.pathspec = {specs.data(), specs.size()};
    GitPtr<git_status_list, git_status_list_free> list;
    if (git_status_list_new(list.out(), m_repo.get(), &options) != 0)
        return gitError(QStringLiteral("Cannot read the status of the work tree"));
    QStringList dirty;
    for (size_t i = 0; i < git_status_list_entrycount(list.p); ++i) {
        const git_status_entry *e = git_status_byindex(list.p, i);
        if (e->status == GIT_STATUS_CURRENT)
            continue;
        const git_diff_delta *d = e->head_to_index ? e->head_to_index : e->index_to_workdir;
        if (d)
            dirty << QString::fromUtf8(d->new_file.path ? d->new_file.path : d->old_file.path);
    }
    // An ignored file in the way of a path the run creates would be overwritten.
    const QDir root(workDir());
    for (const QString &path : paths) {
        unsigned int flags = 0;
        const QByteArray e = path.toUtf8();
        if (git_status_should_ignore(reinterpret_cast<int *>(&flags), m_repo.get(), e.constData())
                == 0
            && flags && QFileInfo::exists(root.filePath(path)))
            dirty << path;
    }
    dirty.removeDuplicates();
    dirty.sort();
    return dirty;
}

Result<GitRepository::MergeFileResult> GitRepository::mergeFile(const QByteArray &ancestor,
                                                                const QByteArray &ours,
                                                                const QByteArray &theirs,
                                                                const QString &path)
{
    ensureLibrary();
    const QByteArray name = path.toUtf8();
    git_merge_file_input inputs[3];
    const QByteArray *texts[3] = {&ancestor, &ours, &theirs};
    for (int i = 0; i < 3; ++i) {
        git_merge_file_input_init(&inputs[i], GIT_MERGE_FILE_INPUT_VERSION);
        inputs[i].ptr = texts[i]->constData();
        inputs[i].size = size_t(texts[i]->size());
        inputs[i].path = name.constData();
        inputs[i].mode = GIT_FILEMODE_BLOB;
    }
    git_merge_file_options options = GIT_MERGE_FILE_OPTIONS_INIT;
    options.ancestor_label = "base";
    options.our_label = "run";
    options.their_label = "unit";
    git_merge_file_result result;
    memset(&result, 0, sizeof result);
    if (git_merge_file(&result, &inputs[0], &inputs[1], &inputs[2], &options) != 0)
        return gitError(QStringLiteral("Cannot merge %1").arg(path));
    MergeFileResult out;
    out.merged = QByteArray(result.ptr, qsizetype(result.len));
    out.conflicted = !result.automergeable;
    git_merge_file_result_free(&result);
    return out;
}

} // namespace ktx
