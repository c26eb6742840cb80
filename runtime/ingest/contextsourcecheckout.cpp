#include "ingest/contextsourcecheckout.h"

#include "core/secretredactor.h"
#include "project/projectconfig.h"
#include "project/secretref.h"

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
    // libgit2's messages can echo what the server or the URL said; the token
    // (registered when it was resolved) never leaves in an error.
    return makeError(
        QStringLiteral("source_unreachable"),
        SecretRedactor::redact(
            QStringLiteral("Cannot fetch %1 for connection %2: %3").arg(url, connection.id, why)),
        QStringLiteral("Check connections.%1.repo_url and branch in ktx.yaml, your "
                       "network and access to the repository; or point source_dir "
                       "at a local checkout.")
            .arg(connection.id));
}

// HTTPS credentials for a token (GitHub, GitLab and Bitbucket accept it as the
// password of any user; `x-access-token` is GitHub's convention). Handed to
// libgit2 per request, so it is never part of a URL or the clone's config.
struct TokenCredentials
{
    QByteArray token;
    int attempts = 0;
};

int tokenCredentials(git_credential **out, const char *url, const char *usernameFromUrl,
                     unsigned int allowedTypes, void *payload)
{
    Q_UNUSED(url);
    Q_UNUSED(usernameFromUrl);
    auto *credentials = static_cast<TokenCredentials *>(payload);
    if (!credentials || credentials->token.isEmpty()
        || !(allowedTypes & GIT_CREDENTIAL_USERPASS_PLAINTEXT))
        return GIT_PASSTHROUGH;
    // A second request for the same URL means the server refused the token:
    // stop rather than loop.
    if (credentials->attempts++ > 0) {
        git_error_set_str(GIT_ERROR_NET, "the server refused the token from auth_token_ref");
        return GIT_EAUTH;
    }
    return git_credential_userpass_plaintext_new(out, "x-access-token",
                                                 credentials->token.constData());
}

// Clone on first use, fetch afterwards; then check out origin/<branch> detached.
Result<QString> syncRepository(const QString &dir, const QString &url, const QString &branch,
                               const ConnectionConfig &connection, const QString &token)
{
    const Libgit2 library;
    TokenCredentials credentials {token.toUtf8(), 0};
    const auto withCredentials = [&](git_remote_callbacks &callbacks) {
        if (token.isEmpty())
            return;
        callbacks.credentials = tokenCredentials;
        callbacks.payload = &credentials;
    };
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
            return syncRepository(dir, url, branch, connection, token);
        }
        git_fetch_options fetch = GIT_FETCH_OPTIONS_INIT;
        withCredentials(fetch.callbacks);
        if (git_remote_fetch(remote.get(), nullptr, &fetch, nullptr) != 0)
            return unreachable(connection, url, lastGitError());
        raw = repo.release();
    } else {
        QDir(dir).removeRecursively();
        QDir().mkpath(QFileInfo(dir).path());
        git_clone_options clone = GIT_CLONE_OPTIONS_INIT;
        clone.checkout_opts.checkout_strategy = GIT_CHECKOUT_NONE;
        withCredentials(clone.fetch_opts.callbacks);
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

// The token of `auth_token_ref` (or a literal `auth_token`), resolved through
// the project's secret references; empty when neither key is set.
Result<QString> resolveToken(const QString &projectDir, const ConnectionConfig &connection,
                             const QVariantMap &nested, const QString &repoUrl)
{
    QString key;
    QString text;
    for (const QString &name : {QStringLiteral("auth_token_ref"), QStringLiteral("auth_token")}) {
        if (const QString v = connection.field(name); !v.isEmpty()) {
            key = QStringLiteral("connections.%1.%2").arg(connection.id, name);
            text = v;
        } else if (const QString n = nested.value(name).toString(); !n.isEmpty()) {
            key = QStringLiteral("connections.%1.metricflow.%2").arg(connection.id, name);
            text = n;
        }
        if (!text.isEmpty())
            break;
    }
    if (text.isEmpty())
        return QString();
    SecretRef ref = SecretRef::parse(text);
    if (ref.kind() == SecretRef::Kind::Literal && key.endsWith(QLatin1String("_ref"))) {
        // A bare name in a *_ref key is a secret stored by `ktx setup`.
        const QString stored = QDir(SecretStore::secretsDir(projectDir)).filePath(text);
        if (!QFileInfo(stored).isFile())
            return makeError(QStringLiteral("source_auth_token_unresolved"),
                             QStringLiteral("%1 is neither env:NAME, file:PATH nor a secret "
                                            "stored under .ktx/secrets/.")
                                 .arg(key),
                             QStringLiteral("Set %1 to env:<VARIABLE> or file:<path>; the token "
                                            "itself never belongs in ktx.yaml.")
                                 .arg(key));
        ref = SecretRef::parse(QStringLiteral("file:") + stored);
    }
    auto token = ref.resolve(projectDir);
    if (!token)
        return makeError(QStringLiteral("source_auth_token_unresolved"),
                         QStringLiteral("%1 cannot be resolved: %2")
                             .arg(key, SecretRedactor::redact(token.error().message)),
                         token.error().hint);
    if (token->isEmpty())
        return makeError(QStringLiteral("source_auth_token_unresolved"),
                         QStringLiteral("%1 resolves to an empty token.").arg(key),
                         QStringLiteral("Put the token on the first line of the secret."));
    // Plain http would send the token readable to anyone on the way; a
    // loopback server (a local mirror, a test) sees no network.
    const QUrl url(repoUrl);
    if (url.scheme() == QLatin1String("http") && url.host() != QLatin1String("127.0.0.1")
        && url.host() != QLatin1String("localhost") && url.host() != QLatin1String("::1"))
        return makeError(QStringLiteral("source_auth_token_insecure"),
                         QStringLiteral("%1 is set, but repo_url %2 is plain http: the token "
                                        "would be sent unencrypted.")
                             .arg(key, repoUrl),
                         QStringLiteral("Use the https:// URL of the repository."));
    return *token;
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
        auto token = resolveToken(projectDir, connection, nested, repoUrl);
        if (!token)
            return token.error();
        base = cacheDir(projectDir, connection.id);
        auto sha = syncRepository(base, repoUrl, branch, connection, *token);
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
