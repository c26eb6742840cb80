#include "ingest/contextsourcecheckout.h"

#include "project/projectconfig.h"

#include <QDir>
#include <QFileInfo>
#include <QUrl>
#include <QVariantMap>

#include <git2.h>

#include <memory>

namespace ktx {

namespace {

// libgit2 counts init/shutdown pairs, so nesting with GitRepository is safe.
struct Libgit2
{
    Libgit2() { git_libgit2_init(); }
    ~Libgit2() { git_libgit2_shutdown(); }
    Libgit2(const Libgit2 &) = delete;
    Libgit2 &operator=(const Libgit2 &) = delete;
};

struct RepoDeleter
{
    void operator()(git_repository *r) const { git_repository_free(r); }
};
struct RemoteDeleter
{
    void operator()(git_remote *r) const { git_remote_free(r); }
};
struct ObjectDeleter
{
    void operator()(git_object *o) const { git_object_free(o); }
};

QString lastGitError()
{
    const git_error *e = git_error_last();
    return e && e->message ? QString::fromUtf8(e->message).trimmed()
                           : QStringLiteral("unknown error");
}

Error unreachable(const ConnectionConfig &connection, const QString &url, const QString &why)
{
    return makeError(
        QStringLiteral("source_unreachable"),
        QStringLiteral("Cannot fetch %1 for connection %2: %3").arg(url, connection.id, why),
        QStringLiteral("Check connections.%1.repo_url and branch in ktx.yaml, your "
                       "network and access to the repository; or point source_dir "
                       "at a local checkout.")
            .arg(connection.id));
}

// Clone on first use, fetch afterwards; then check out origin/<branch> detached.
Result<QString> syncRepository(const QString &dir, const QString &url, const QString &branch,
                               const ConnectionConfig &connection)
{
    const Libgit2 library;
    const QByteArray path = QFile::encodeName(dir);
    const QByteArray urlBytes = url.toUtf8();
    git_repository *raw = nullptr;
    if (QFileInfo(dir + QStringLiteral("/.git")).exists()
        && git_repository_open(&raw, path.constData()) == 0) {
        std::unique_ptr<git_repository, RepoDeleter> repo(raw);
        git_remote *remoteRaw = nullptr;
        if (git_remote_lookup(&remoteRaw, repo.get(), "origin") != 0)
            return unreachable(connection, url, lastGitError());
        std::unique_ptr<git_remote, RemoteDeleter> remote(remoteRaw);
        if (QString::fromUtf8(git_remote_url(remote.get())) != url) {
            // repo_url changed: start over rather than mix histories.
            repo.reset();
            remote.reset();
            QDir(dir).removeRecursively();
            return syncRepository(dir, url, branch, connection);
        }
        git_fetch_options fetch = GIT_FETCH_OPTIONS_INIT;
        if (git_remote_fetch(remote.get(), nullptr, &fetch, nullptr) != 0)
            return unreachable(connection, url, lastGitError());
        raw = repo.release();
    } else {
        QDir(dir).removeRecursively();
        QDir().mkpath(QFileInfo(dir).path());
        git_clone_options clone = GIT_CLONE_OPTIONS_INIT;
        clone.checkout_opts.checkout_strategy = GIT_CHECKOUT_NONE;
        if (git_clone(&raw, urlBytes.constData(), path.constData(), &clone) != 0) {
            const QString why = lastGitError();
            QDir(dir).removeRecursively(); // nothing half-written
            return unreachable(connection, url, why);
        }
    }
    std::unique_ptr<git_repository, RepoDeleter> repo(raw);
    const QByteArray ref = (QStringLiteral("refs/remotes/origin/") + branch).toUtf8();
    git_object *targetRaw = nullptr;
    if (git_revparse_single(&targetRaw, repo.get(), ref.constData()) != 0)
        return makeError(
            QStringLiteral("source_branch_missing"),
            QStringLiteral("%1 has no branch %2.").arg(url, branch),
            QStringLiteral("Set connections.%1.branch to an existing branch.").arg(connection.id));
    std::unique_ptr<git_object, ObjectDeleter> target(targetRaw);
    git_checkout_options checkout = GIT_CHECKOUT_OPTIONS_INIT;
    checkout.checkout_strategy = GIT_CHECKOUT_FORCE | GIT_CHECKOUT_REMOVE_UNTRACKED;
    if (git_checkout_tree(repo.get(), target.get(), &checkout) != 0
        || git_repository_set_head_detached(repo.get(), git_object_id(target.get())) != 0)
        return makeError(
            QStringLiteral("source_checkout_failed"),
            QStringLiteral("Cannot check out %1 of %2: %3").arg(branch, url, lastGitError()));
    char sha[GIT_OID_HEXSZ + 1] = {};
    git_oid_tostr(sha, sizeof sha, git_object_id(target.get()));
    return QString::fromLatin1(sha).left(7);
}

} // namespace

QString ContextSourceCheckout::cacheDir(const QString &projectDir, const QString &connectionId)
{
    return QDir(projectDir).filePath(QStringLiteral(".ktx/cache/sources/%1").arg(connectionId));
}

Result<ContextSourceCheckout::Location>
ContextSourceCheckout::acquire(const QString &projectDir, const ConnectionConfig &connection)
{
    // The reference names the location differently per driver: dbt
    // `source_dir`/`repo_url`, LookML `repoUrl`, MetricFlow a nested
    // `metricflow.repoUrl` (with its own branch and path).
    const QVariantMap nested = connection.fields.value(QStringLiteral("metricflow")).toMap();
    const auto value = [&](std::initializer_list<const char *> keys) {
        for (const char *key : keys) {
            const QString name = QString::fromLatin1(key);
            const QString v = connection.field(name);
            if (!v.isEmpty())
                return v;
            if (const QString n = nested.value(name).toString(); !n.isEmpty())
                return n;
        }
        return QString();
    };
    QString sourceDir = connection.field(QStringLiteral("source_dir"));
    QString repoUrl = value({"repo_url", "repoUrl"});
    const QString sub = value({"path"});
    // A file:// URL of a plain folder (what the setup wizard writes for a local
    // LookML or MetricFlow project) is read in place; only a repository is cloned.
    if (sourceDir.isEmpty() && repoUrl.startsWith(QLatin1String("file://"))) {
        const QString local = QUrl(repoUrl).toLocalFile();
        if (QFileInfo(local).isDir() && !QFileInfo::exists(local + QStringLiteral("/.git"))) {
            sourceDir = local;
            repoUrl.clear();
        }
    }
    Location location;
    QString base;
    if (!sourceDir.isEmpty()) {
        base = QDir::cleanPath(QDir(projectDir).absoluteFilePath(sourceDir));
        if (!QFileInfo(base).isDir())
            return makeError(QStringLiteral("source_dir_missing"),
                             QStringLiteral("connections.%1.source_dir: %2 is not a folder.")
                                 .arg(connection.id, base),
                             QStringLiteral("Point source_dir at the dbt project (relative "
                                            "paths start at the ktx project folder)."));
        location.description = QStringLiteral("folder %1").arg(base);
    } else if (!repoUrl.isEmpty()) {
        QString branch = value({"branch"});
        if (branch.isEmpty())
            branch = QStringLiteral("main");
        base = cacheDir(projectDir, connection.id);
        auto sha = syncRepository(base, repoUrl, branch, connection);
        if (!sha)
            return sha.error();
        location.description = QStringLiteral("%1 @ %2 (%3)").arg(repoUrl, branch, *sha);
    } else {
        return makeError(QStringLiteral("source_location_missing"),
                         QStringLiteral("connections.%1 has neither source_dir nor repo_url.")
                             .arg(connection.id),
                         QStringLiteral("Add source_dir: <folder> or repo_url: <git url> to "
                                        "connections.%1 in ktx.yaml.")
                             .arg(connection.id));
    }
    location.rootDir = sub.isEmpty() ? base : QDir::cleanPath(base + QLatin1Char('/') + sub);
    if (!QFileInfo(location.rootDir).isDir())
        return makeError(QStringLiteral("source_dir_missing"),
                         QStringLiteral("connections.%1.path: %2 is not a folder.")
                             .arg(connection.id, location.rootDir));
    return location;
}

} // namespace ktx
