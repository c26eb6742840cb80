#include "ingest/artifactgates.h"

#include "ingest/wikipagetext.h"
#include "project/yamldocument.h"
#include "semantic/sourceloader.h"

#include <QSet>

namespace ktx {

namespace {

bool isSourcePath(const QString &path, const QString &connection)
{
    const QString prefix = QStringLiteral("semantic-layer/%1/").arg(connection);
    return path.startsWith(prefix) && !path.mid(prefix.size()).startsWith(QLatin1String("_schema/"))
        && (path.endsWith(QLatin1String(".yaml")) || path.endsWith(QLatin1String(".yml")));
}

// A page file: wiki/global/<key>.md (userId empty) or wiki/user/<userId>/<key>.md.
struct WikiFile
{
    QString userId;
    QString key;
    bool valid = false;
};

WikiFile wikiFileOf(const QString &path)
{
    const QStringList parts = path.split(QLatin1Char('/'));
    if (!path.endsWith(QLatin1String(".md")) || parts.value(0) != QLatin1String("wiki"))
        return {};
    if (parts.size() == 3 && parts.at(1) == QLatin1String("global"))
        return {{}, parts.at(2).chopped(3), true};
    if (parts.size() == 4 && parts.at(1) == QLatin1String("user") && !parts.at(2).isEmpty())
        return {parts.at(2), parts.at(3).chopped(3), true};
    return {};
}

QString globalPagePath(const QString &key)
{
    return QStringLiteral("wiki/global/%1.md").arg(key);
}

QString userPagePath(const QString &userId, const QString &key)
{
    return QStringLiteral("wiki/user/%1/%2.md").arg(userId, key);
}

// How reports name a page: wiki:<key> or wiki:user/<userId>/<key>.
QString wikiArtifact(const WikiFile &file)
{
    return file.userId.isEmpty() ? QStringLiteral("wiki:") + file.key
                                 : QStringLiteral("wiki:user/%1/%2").arg(file.userId, file.key);
}

} // namespace

QByteArray ArtifactGates::withoutJoin(const QByteArray &yaml, const QString &target)
{
    auto doc = YamlDocument::parse(yaml);
    if (!doc.ok() || !doc->root() || !doc->root()->isMapping())
        return yaml;
    const YamlNode *joins = doc->root()->find(u"joins");
    if (!joins || !joins->isSequence() || joins->flow)
        return yaml;
    QByteArray out = yaml;
    for (auto it = joins->items.crbegin(); it != joins->items.crend(); ++it) {
        const YamlNode *to = it->isMapping() ? it->find(u"to") : nullptr;
        if (!to || to->text != target)
            continue;
        // The item spans from its "- " line to its last byte; take whole lines.
        const qsizetype start = out.lastIndexOf('\n', it->start.offset - 1) + 1;
        qsizetype end = out.indexOf('\n', qMax<qsizetype>(it->end.offset - 1, it->start.offset));
        end = end < 0 ? out.size() : end + 1;
        out.remove(start, end - start);
    }
    if (auto again = YamlDocument::parse(out); again.ok() && again->root()) {
        const YamlNode *n = again->root()->find(u"joins");
        if (n && n->isNull()) {
            const qsizetype at = out.indexOf("\njoins:");
            const qsizetype keyAt = out.startsWith("joins:") ? 0 : at + 1;
            if (at >= 0 || keyAt == 0)
                out.insert(keyAt + 6, " []");
        }
    }
    return out;
}

ArtifactGates::Outcome ArtifactGates::apply(ContextOverlay &run, const QStringList &connections)
{
    Outcome outcome;
    QSet<QString> changedPaths;
    bool anyRemoval = false;
    for (const FileImage &image : run.images()) {
        changedPaths.insert(image.path);
        if (!image.after)
            anyRemoval = true;
    }
    const BaseTree &base = *run.base();

    QSet<QString> allNames; // source names across the connections in scope
    QSet<QString> removedNames;
    for (const QString &connection : connections) {
        // Gate 1: every changed source must load on its own.
        for (const QString &path : std::as_const(changedPaths)) {
            if (!isSourcePath(path, connection))
                continue;
            const auto bytes = run.read(path);
            if (!bytes) {
                const QString name = SourceLoader::peekName(base.value(path));
                if (!name.isEmpty())
                    removedNames.insert(name);
                continue;
            }
            const auto loaded = SourceLoader::fromYaml(*bytes, path);
            QStringList errors;
            for (const SourceIssue &issue : loaded.issues)
                if (issue.isError())
                    errors << issue.message;
            if (loaded.source && errors.isEmpty())
                continue;
            const QString name = SourceLoader::peekName(*bytes);
            GatePrune drop {QStringLiteral("invalid_source"),
                            connection + QLatin1Char(':') + name,
                            {},
                            {},
                            base.contains(path) ? QStringLiteral("reverted")
                                                : QStringLiteral("dropped"),
                            errors.join(QStringLiteral("; "))};
            if (base.contains(path)) {
                run.write(path, base.value(path));
            } else {
                run.remove(path);
                if (!name.isEmpty())
                    removedNames.insert(name);
                anyRemoval = true;
            }
            outcome.dropped << drop;
        }
        QHash<QString, QString> nameToPath;
        for (const QString &path : run.list(QStringLiteral("semantic-layer/%1/").arg(connection))) {
            if (!isSourcePath(path, connection))
                continue;
            const QString name = SourceLoader::peekName(run.read(path).value_or(QByteArray()));
            if (!name.isEmpty()) {
                nameToPath.insert(name, path);
                allNames.insert(name);
            }
        }
        for (const QString &name : nameToPath.keys())
            removedNames.remove(name);
        // Gate 2: joins of changed sources, and joins anywhere to removed sources.
        for (auto it = nameToPath.cbegin(); it != nameToPath.cend(); ++it) {
            const QString &path = it.value();
            const bool changed = changedPaths.contains(path);
            if (!changed && removedNames.isEmpty())
                continue;
            QByteArray bytes = run.read(path).value_or(QByteArray());
            const auto loaded = SourceLoader::fromYaml(bytes, path);
            if (!loaded.source)
                continue;
            bool edited = false;
            for (const SourceJoin &join : loaded.source->joins) {
                if (nameToPath.contains(join.to))
                    continue;
                if (!changed && !removedNames.contains(join.to))
                    continue; // an older dangling join: not this run's doing
                const QByteArray next = withoutJoin(bytes, join.to);
                if (next == bytes)
                    continue;
                bytes = next;
                edited = true;
                outcome.pruned << GatePrune {
                    QStringLiteral("missing_join_target"),
                    connection + QLatin1Char(':') + it.key(),
                    join.to,
                    join.to,
                    QStringLiteral("pruned"),
                    QStringLiteral("join to a source that does not exist")};
            }
            if (edited)
                run.write(path, bytes);
        }
    }

    // Gate 3: wiki pages the run changed, global and per user (all pages when
    // something was removed). A reference must resolve in the page's scope: a
    // user page sees the global pages and its user's, a global page only global
    // ones.
    QStringList pages;
    QSet<QString> userKeys; // keys that exist as some user's page
    for (const QString &path : run.list(QStringLiteral("wiki/"))) {
        const WikiFile file = wikiFileOf(path);
        if (!file.valid)
            continue;
        if (!file.userId.isEmpty())
            userKeys.insert(file.key);
        if (anyRemoval || changedPaths.contains(path))
            pages << path;
    }
    for (const QString &path : std::as_const(pages)) {
        const WikiFile file = wikiFileOf(path);
        QByteArray bytes = run.read(path).value_or(QByteArray());
        auto page = WikiPageText::parse(bytes);
        if (!page.ok()) {
            if (!changedPaths.contains(path))
                continue;
            outcome.dropped << GatePrune {QStringLiteral("invalid_wiki_page"),
                                          wikiArtifact(file),
                                          {},
                                          {},
                                          base.contains(path) ? QStringLiteral("reverted")
                                                              : QStringLiteral("dropped"),
                                          page.error().message};
            if (base.contains(path))
                run.write(path, base.value(path));
            else
                run.remove(path);
            continue;
        }
        bool edited = false;
        QStringList refs = page->refs;
        for (const QString &link : page->links)
            if (!refs.contains(link))
                refs << link;
        for (const QString &ref : std::as_const(refs)) {
            if (run.exists(globalPagePath(ref))
                || (!file.userId.isEmpty() && run.exists(userPagePath(file.userId, ref))))
                continue;
            bytes = WikiPageText::withoutRef(bytes, QStringLiteral("refs"), ref);
            edited = true;
            const bool userOnly = file.userId.isEmpty() && userKeys.contains(ref);
            outcome.pruned << GatePrune {
                userOnly ? QStringLiteral("out_of_scope_wiki_ref")
                         : QStringLiteral("missing_wiki_ref"),
                wikiArtifact(file),
                ref,
                ref,
                QStringLiteral("pruned"),
                userOnly ? QStringLiteral("reference from a global page to a user page, which "
                                          "other users cannot see")
                         : QStringLiteral("reference to a page that does not exist")};
        }
        for (const QString &ref : page->slRefs) {
            // [connectionId/]sourceName[.entityName], or connection.source as the docs show it.
            QString name = ref.contains(QLatin1Char('/')) ? ref.section(QLatin1Char('/'), 1) : ref;
            const QString first = name.section(QLatin1Char('.'), 0, 0);
            const QString second = name.section(QLatin1Char('.'), 1, 1);
            const bool known = allNames.contains(first)
                || (connections.contains(first) && allNames.contains(second));
            if (known)
                continue;
            bytes = WikiPageText::withoutRef(bytes, QStringLiteral("sl_refs"), ref);
            edited = true;
            outcome.pruned << GatePrune {QStringLiteral("missing_wiki_sl_ref"),
                                         wikiArtifact(file),
                                         ref,
                                         first,
                                         QStringLiteral("pruned"),
                                         QStringLiteral("sl_ref to a source that does not exist")};
        }
        if (edited)
            run.write(path, bytes);
    }
    return outcome;
}

} // namespace ktx
