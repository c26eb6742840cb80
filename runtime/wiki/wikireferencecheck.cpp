#include "wiki/wikireferencecheck.h"

#include "semantic/semanticlayerstore.h"

#include <QHash>
#include <QSet>

#include <memory>

namespace ktx {

QList<WikiReferenceFinding> WikiReferenceCheck::check(const QList<WikiPage> &pages,
                                                      const SourceExists &sourceExists)
{
    QSet<QString> global;
    QHash<QString, QSet<QString>> byUser;
    for (const WikiPage &page : pages) {
        if (page.scope == WikiScope::User)
            byUser[page.userId].insert(page.key);
        else
            global.insert(page.key);
    }

    QList<WikiReferenceFinding> findings;
    for (const WikiPage &page : pages) {
        auto visible = [&](const QString &key) {
            return global.contains(key)
                || (page.scope == WikiScope::User && byUser.value(page.userId).contains(key));
        };
        for (const QString &ref : page.allRefs()) {
            if (visible(ref))
                continue;
            findings << WikiReferenceFinding {
                page.scopedKey(), page.relativePath(), WikiReferenceFinding::Kind::PageRef, ref,
                QStringLiteral("%1 refers to wiki page '%2', which does not exist in its scope.")
                    .arg(page.relativePath(), ref)};
        }
        if (!sourceExists)
            continue;
        for (const QString &ref : page.slRefs) {
            const qsizetype dot = ref.indexOf(QLatin1Char('.'));
            bool found = false;
            if (dot > 0)
                found = sourceExists(ref.left(dot), ref.mid(dot + 1));
            if (!found)
                found = sourceExists(QString(), ref);
            if (found)
                continue;
            findings << WikiReferenceFinding {
                page.scopedKey(), page.relativePath(), WikiReferenceFinding::Kind::SemanticRef, ref,
                QStringLiteral("%1 refers to semantic source '%2', which does not exist.")
                    .arg(page.relativePath(), ref)};
        }
    }
    return findings;
}

WikiReferenceCheck::SourceExists WikiReferenceCheck::sourcesIn(const QString &projectDir)
{
    // Loaded once, when the predicate is made; the predicate is a cheap lookup.
    auto byConnection = std::make_shared<QHash<QString, QSet<QString>>>();
    auto anywhere = std::make_shared<QSet<QString>>();
    const SemanticLayerStore store(projectDir);
    for (const QString &connectionId : store.connections()) {
        for (const SemanticSource &source : store.load(connectionId).sources) {
            (*byConnection)[connectionId].insert(source.name);
            anywhere->insert(source.name);
        }
    }
    return [byConnection, anywhere](const QString &connectionId, const QString &name) {
        if (connectionId.isEmpty())
            return anywhere->contains(name);
        return byConnection->value(connectionId).contains(name);
    };
}

} // namespace ktx
