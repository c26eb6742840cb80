#include "wiki/wikistore.h"

#include "core/atomicfile.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QRegularExpression>

#include <algorithm>

namespace ktx {

namespace {

int editDistance(const QString &a, const QString &b)
{
    std::vector<int> row(b.size() + 1);
    for (int j = 0; j <= b.size(); ++j)
        row[j] = j;
    for (int i = 1; i <= a.size(); ++i) {
        int diagonal = row[0];
        row[0] = i;
        for (int j = 1; j <= b.size(); ++j) {
            const int up = row[j];
            row[j] = std::min(
                {row[j] + 1, row[j - 1] + 1, diagonal + (a.at(i - 1) == b.at(j - 1) ? 0 : 1)});
            diagonal = up;
        }
    }
    return row[b.size()];
}

Error notFound(const QString &key, const QStringList &close)
{
    return makeError(
        QStringLiteral("wiki.page_not_found"), QStringLiteral("No wiki page '%1'.").arg(key),
        close.isEmpty()
            ? QStringLiteral("Run `ktx wiki` to list the pages.")
            : QStringLiteral("Did you mean: %1?").arg(close.join(QStringLiteral(", "))));
}

} // namespace

WikiStore::WikiStore(QString projectDir)
    : m_projectDir(std::move(projectDir))
{ }

QString WikiStore::globalDir() const
{
    return QDir(m_projectDir).filePath(QStringLiteral("wiki/global"));
}

QString WikiStore::userDir(const QString &userId) const
{
    return QDir(m_projectDir).filePath(QStringLiteral("wiki/user/") + userId);
}

QString WikiStore::filePath(WikiScope scope, const QString &userId, const QString &key) const
{
    const QString dir = scope == WikiScope::User ? userDir(userId) : globalDir();
    return dir + QLatin1Char('/') + key + QStringLiteral(".md");
}

bool WikiStore::isValidKey(const QString &key)
{
    static const QRegularExpression token(QStringLiteral("^[A-Za-z0-9][A-Za-z0-9_.-]{0,127}$"));
    return token.match(key).hasMatch() && !key.contains(QLatin1String(".."))
        && !key.endsWith(QLatin1Char('.'));
}

bool WikiStore::isValidUserId(const QString &userId)
{
    return isValidKey(userId);
}

Result<WikiStore::Location> WikiStore::parseScopedKey(const QString &scopedKey)
{
    const QStringList parts = scopedKey.split(QLatin1Char('/'));
    auto bad = [&] {
        return makeError(QStringLiteral("wiki.bad_key"),
                         QStringLiteral("\"%1\" is not a wiki key.").arg(scopedKey),
                         QStringLiteral("Use global/<key> or user/<userId>/<key>, as wiki_search "
                                        "returns them."));
    };
    if (parts.size() == 2 && parts[0] == QLatin1String("global") && isValidKey(parts[1]))
        return Location {WikiScope::Global, {}, parts[1]};
    if (parts.size() == 3 && parts[0] == QLatin1String("user") && isValidUserId(parts[1])
        && isValidKey(parts[2]))
        return Location {WikiScope::User, parts[1], parts[2]};
    return bad();
}

QStringList WikiStore::keysIn(const QString &dir) const
{
    QStringList keys;
    for (const QString &name :
         QDir(dir).entryList({QStringLiteral("*.md")}, QDir::Files, QDir::Name)) {
        const QString key = name.chopped(3);
        if (isValidKey(key))
            keys << key;
    }
    return keys;
}

Result<WikiPage> WikiStore::readFile(const QString &path, const Location &location) const
{
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly))
        return makeError(QStringLiteral("wiki.unreadable"),
                         QStringLiteral("Cannot read %1: %2").arg(path, file.errorString()));
    Result<WikiPage> page
        = WikiPage::parse(file.readAll(), QDir(m_projectDir).relativeFilePath(path));
    if (!page)
        return page.error();
    WikiPage out = std::move(page).value();
    out.key = location.key;
    out.scope = location.scope;
    out.userId = location.userId;
    return out;
}

WikiStore::Listing WikiStore::list(const QString &userId) const
{
    Listing out;
    QStringList userKeys;
    if (isValidUserId(userId)) {
        userKeys = keysIn(userDir(userId));
        for (const QString &key : std::as_const(userKeys)) {
            Result<WikiPage> page
                = readFile(filePath(WikiScope::User, userId, key), {WikiScope::User, userId, key});
            if (page)
                out.pages << page.value();
            else
                out.issues << page.error();
        }
    }
    for (const QString &key : keysIn(globalDir())) {
        if (userKeys.contains(key))
            continue; // shadowed by the user's own page
        Result<WikiPage> page
            = readFile(filePath(WikiScope::Global, {}, key), {WikiScope::Global, {}, key});
        if (page)
            out.pages << page.value();
        else
            out.issues << page.error();
    }
    std::sort(out.pages.begin(), out.pages.end(),
              [](const WikiPage &a, const WikiPage &b) { return a.key < b.key; });
    return out;
}

WikiStore::Listing WikiStore::listAll() const
{
    Listing out;
    for (const QString &key : keysIn(globalDir())) {
        Result<WikiPage> page
            = readFile(filePath(WikiScope::Global, {}, key), {WikiScope::Global, {}, key});
        if (page)
            out.pages << page.value();
        else
            out.issues << page.error();
    }
    const QDir users(QDir(m_projectDir).filePath(QStringLiteral("wiki/user")));
    for (const QString &userId : users.entryList(QDir::Dirs | QDir::NoDotAndDotDot, QDir::Name)) {
        if (!isValidUserId(userId))
            continue;
        for (const QString &key : keysIn(userDir(userId))) {
            Result<WikiPage> page
                = readFile(filePath(WikiScope::User, userId, key), {WikiScope::User, userId, key});
            if (page)
                out.pages << page.value();
            else
                out.issues << page.error();
        }
    }
    return out;
}

Result<WikiPage> WikiStore::read(const Location &location) const
{
    if (!isValidKey(location.key)
        || (location.scope == WikiScope::User && !isValidUserId(location.userId)))
        return makeError(QStringLiteral("wiki.bad_key"),
                         QStringLiteral("\"%1\" is not a wiki key.").arg(location.key));
    const QString path = filePath(location.scope, location.userId, location.key);
    if (!QFileInfo::exists(path))
        return notFound(location.scope == WikiScope::User
                            ? QStringLiteral("user/%1/%2").arg(location.userId, location.key)
                            : QStringLiteral("global/%1").arg(location.key),
                        {});
    return readFile(path, location);
}

Result<WikiPage> WikiStore::read(const QString &key, const QString &userId) const
{
    if (!isValidKey(key))
        return makeError(QStringLiteral("wiki.bad_key"),
                         QStringLiteral("\"%1\" is not a wiki key.").arg(key),
                         QStringLiteral("Keys are flat tokens such as revenue or "
                                        "mart_account_segments; run `ktx wiki` to list them."));
    if (isValidUserId(userId) && QFileInfo::exists(filePath(WikiScope::User, userId, key)))
        return readFile(filePath(WikiScope::User, userId, key), {WikiScope::User, userId, key});
    if (QFileInfo::exists(filePath(WikiScope::Global, {}, key)))
        return readFile(filePath(WikiScope::Global, {}, key), {WikiScope::Global, {}, key});
    return notFound(key, closeKeys(key, userId));
}

Result<QByteArray> WikiStore::readBytes(const QString &key, const QString &userId) const
{
    if (!isValidKey(key))
        return makeError(QStringLiteral("wiki.bad_key"),
                         QStringLiteral("\"%1\" is not a wiki key.").arg(key),
                         QStringLiteral("Keys are flat tokens such as revenue or "
                                        "mart_account_segments; run `ktx wiki` to list them."));
    QString path = filePath(WikiScope::User, userId, key);
    if (!isValidUserId(userId) || !QFileInfo::exists(path))
        path = filePath(WikiScope::Global, {}, key);
    QFile file(path);
    if (!file.exists())
        return notFound(key, closeKeys(key, userId));
    if (!file.open(QIODevice::ReadOnly))
        return makeError(QStringLiteral("wiki.unreadable"),
                         QStringLiteral("Cannot read %1: %2").arg(path, file.errorString()));
    return file.readAll();
}

Result<QString> WikiStore::write(const WikiPage &page) const
{
    if (!isValidKey(page.key))
        return makeError(QStringLiteral("wiki.bad_key"),
                         QStringLiteral("\"%1\" is not a valid wiki key.").arg(page.key),
                         QStringLiteral("Use a flat token of letters, digits, `_`, `-` or `.`, "
                                        "e.g. revenue_definitions."));
    if (page.scope == WikiScope::User && !isValidUserId(page.userId))
        return makeError(QStringLiteral("wiki.bad_user"),
                         QStringLiteral("\"%1\" is not a valid user id.").arg(page.userId));
    if (page.summary.trimmed().isEmpty())
        return makeError(QStringLiteral("wiki.summary_missing"),
                         QStringLiteral("Wiki page '%1' has no summary.").arg(page.key),
                         QStringLiteral("Give it a one-line summary; search and agents show it."));
    if (!page.usageMode.isEmpty() && !WikiPage::usageModes().contains(page.usageMode))
        return makeError(
            QStringLiteral("wiki.bad_usage_mode"),
            QStringLiteral("usage_mode \"%1\" is not one of %2.")
                .arg(page.usageMode, WikiPage::usageModes().join(QStringLiteral(", "))));

    // A global page may only point at global pages (other users cannot see a
    // user's pages); a user page sees its user's pages and the global ones.
    QStringList visible = keysIn(globalDir());
    if (page.scope == WikiScope::User)
        visible += keysIn(userDir(page.userId));
    visible << page.key;
    QStringList missing;
    for (const QString &ref : page.allRefs()) {
        if (!visible.contains(ref) && !missing.contains(ref))
            missing << ref;
    }
    if (!missing.isEmpty())
        return makeError(QStringLiteral("wiki.dangling_refs"),
                         QStringLiteral("Wiki page '%1' refers to pages that do not exist in its "
                                        "scope: %2.")
                             .arg(page.key, missing.join(QStringLiteral(", "))),
                         QStringLiteral("Create those pages first, or remove the refs and "
                                        "[[links]] to them."));

    // What we write must read back as the same page.
    const QByteArray bytes = page.serialize();
    Result<WikiPage> check = WikiPage::parse(bytes);
    if (!check)
        return makeError(QStringLiteral("wiki.render_failed"),
                         QStringLiteral("Wiki page '%1' did not render to valid Markdown with "
                                        "front-matter: %2")
                             .arg(page.key, check.error().message));
    const QString path = filePath(page.scope, page.userId, page.key);
    Result<void> written = AtomicFile::write(path, bytes);
    if (!written)
        return written.error();
    return path;
}

Result<void> WikiStore::remove(const Location &location) const
{
    if (!isValidKey(location.key)
        || (location.scope == WikiScope::User && !isValidUserId(location.userId)))
        return makeError(QStringLiteral("wiki.bad_key"),
                         QStringLiteral("\"%1\" is not a wiki key.").arg(location.key));
    const QString path = filePath(location.scope, location.userId, location.key);
    if (!QFileInfo::exists(path))
        return notFound(location.key, {});
    if (!QFile::remove(path))
        return makeError(QStringLiteral("wiki.remove_failed"),
                         QStringLiteral("Cannot remove %1.").arg(path));
    return {};
}

QStringList WikiStore::closeKeys(const QString &key, const QString &userId, int max) const
{
    QStringList keys = keysIn(globalDir());
    if (isValidUserId(userId))
        keys += keysIn(userDir(userId));
    keys.removeDuplicates();
    const QString wanted = key.toLower();
    struct Scored
    {
        int distance;
        QString key;
    };
    std::vector<Scored> scored;
    for (const QString &candidate : std::as_const(keys)) {
        const QString lower = candidate.toLower();
        int d = editDistance(wanted, lower);
        if (wanted.size() >= 3 && (lower.contains(wanted) || wanted.contains(lower)))
            d = std::min(d, 1);
        if (d <= std::max(2, int(wanted.size()) / 3))
            scored.push_back({d, candidate});
    }
    std::sort(scored.begin(), scored.end(), [](const Scored &a, const Scored &b) {
        return a.distance != b.distance ? a.distance < b.distance : a.key < b.key;
    });
    QStringList out;
    for (const Scored &s : scored) {
        if (out.size() >= max)
            break;
        out << s.key;
    }
    return out;
}

} // namespace ktx
